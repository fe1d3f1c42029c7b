// Outbox items on the state table's stream: each run's settle step writes one item per alert it won
// (lambda/adapters/dynamodb/alert-outbox.ts: pk ALERT#<runId>, sk <type>#<idempotencyKey>, `alert`
// the payload). Only an INSERT is a new alert: the item is written once and never modified, and its
// TTL removal is not an alert. A redelivered record is turned into nothing by the alert Lambda's
// idempotency, keyed on the alert's `idempotencyKey`.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import { ALERT_ENTITY } from '../adapters/dynamodb/alert-outbox.js';
import type { HealthAlert } from '../engine/health/types.js';
import type { AuthAlert } from '../engine/promises/auth-alerts.js';

export class OutboxRecordError extends Error {
  override readonly name = 'OutboxRecordError';
}

/** The alert types the outbox carries: endpoint health (issue 12) and the auth matrix (issue 15). */
export const OUTBOX_ALERT_TYPES = [
  'doc.failing',
  'doc.recovered',
  'doc.flapping',
  'target.down',
  'target.recovered',
  'credential.rejected',
  'credential.recovered',
  'target.rate_limited',
  'auth.accepted',
  'auth.ok',
] as const;

const storedAlertSchema = z
  .object({
    type: z.enum(OUTBOX_ALERT_TYPES),
    runId: z.string().min(1),
    at: z.string(),
    severity: z.enum(['critical', 'warning', 'info']),
    domains: z.array(z.string()),
    idempotencyKey: z.string().min(1),
  })
  .passthrough();

const outboxItemSchema = z.object({
  pk: z.string().startsWith('ALERT#'),
  entity: z.literal(ALERT_ENTITY),
  alert: z.unknown(),
});

/** The alert one stream record carries, or undefined (not an outbox item, or not its first write). */
export function outboxAlertFromRecord(record: DynamoDBRecord): HealthAlert | AuthAlert | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  if (!image) return undefined;
  const next = unmarshall(image);
  if (next.entity !== ALERT_ENTITY) return undefined;
  const item = outboxItemSchema.safeParse(next);
  const alert = item.success ? storedAlertSchema.safeParse(item.data.alert) : undefined;
  if (!alert?.success) {
    const issues = (alert?.error ?? item.error)?.issues ?? [];
    throw new OutboxRecordError(
      `outbox item ${String(next.pk)} ${String(next.sk)} is malformed: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return alert.data as unknown as HealthAlert | AuthAlert;
}
