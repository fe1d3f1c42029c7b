// Health transitions on the state table's stream: an incident or target-condition item whose write
// made an alert-worthy transition holds that alert (`data.alert`, one doc or one condition, keyed
// `doc-incident#<doc>#<version>` / `health-condition#<key>#<version>`). This publishes it once: only
// when the item's version changed in this record, and the alert Lambda's idempotency (keyed on
// `idempotencyKey`) turns a redelivered record into nothing.
// Health items (lambda/adapters/dynamodb/health.ts) have pk `HEALTH#<kind>`, sk `<key>`, and the
// attributes `kind`, `key`, `version`, `data` (a map) and `updatedAt`; the pk prefix selects them.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import type { HealthAlert } from '../engine/health/types.js';

export const HEALTH_PK_PREFIX = 'HEALTH#';

export class HealthRecordStreamError extends Error {
  override readonly name = 'HealthRecordStreamError';
}

const healthItemSchema = z.object({
  pk: z.string().startsWith(HEALTH_PK_PREFIX),
  kind: z.enum(['incident', 'condition', 'mute']),
  version: z.number().int(),
  data: z.record(z.string(), z.unknown()),
});

const storedAlertSchema = z
  .object({
    type: z.enum([
      'doc.failing',
      'doc.recovered',
      'doc.flapping',
      'target.down',
      'target.recovered',
      'credential.rejected',
      'credential.recovered',
      'target.rate_limited',
    ]),
    runId: z.string(),
    at: z.string(),
    severity: z.enum(['critical', 'warning', 'info']),
    domains: z.array(z.string()),
    idempotencyKey: z.string().min(1),
  })
  .passthrough();

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function item(image: Image | undefined): Record<string, unknown> | undefined {
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

/** The health alert one stream record carries, or undefined (not a health item, or no new transition). */
export function healthAlertFromRecord(record: DynamoDBRecord): HealthAlert | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const next = item(record.dynamodb?.NewImage);
  if (typeof next?.pk !== 'string' || !next.pk.startsWith(HEALTH_PK_PREFIX)) return undefined;
  const parsed = healthItemSchema.safeParse(next);
  if (!parsed.success) {
    throw new HealthRecordStreamError(
      `health item ${next.pk} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (parsed.data.kind === 'mute' || parsed.data.data.alert === undefined) return undefined;
  const old = item(record.dynamodb?.OldImage);
  // Same version: not a new write (e.g. a TTL or attribute touch); its alert was published before.
  if (old && old.version === parsed.data.version) return undefined;
  const alert = storedAlertSchema.safeParse(parsed.data.data.alert);
  if (!alert.success) {
    throw new HealthRecordStreamError(
      `health item ${next.pk} v${parsed.data.version} holds a malformed alert`,
    );
  }
  return alert.data as unknown as HealthAlert;
}
