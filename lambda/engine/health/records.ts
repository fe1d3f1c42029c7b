// Health state records (incidents, target conditions, mutes): the shapes of `HealthRecord.data`,
// validated with zod on every read, and the structural store API they are kept in (the StateStore's
// health methods; both the local and the DynamoDB store implement it).
import * as z from 'zod';
import type { HealthRecord, StateStore } from '../ports.js';

export type { HealthKind, HealthRecord } from '../ports.js';

/** The health part of the StateStore port. Writes are conditional on the version (0 = must not exist). */
export type HealthStore = Pick<StateStore, 'getHealth' | 'listHealth' | 'putHealth' | 'deleteHealth'>;

export class HealthRecordError extends Error {
  override readonly name = 'HealthRecordError';
}

/** The store's health API, or an error saying what is missing (a store built before issue 12). */
export function asHealthStore(store: object): HealthStore {
  const s = store as Partial<HealthStore>;
  for (const m of ['getHealth', 'listHealth', 'putHealth', 'deleteHealth'] as const) {
    if (typeof s[m] !== 'function') {
      throw new HealthRecordError(
        `this state store has no health records (no ${m}): it predates endpoint health`,
      );
    }
  }
  return s as HealthStore;
}

const iso = z.string().min(1);

const failureSchema = z.object({
  stepId: z.string().optional(),
  method: z.string().optional(),
  url: z.string().optional(),
  expected: z.array(z.number()).default([]),
  actual: z.union([z.number(), z.string()]).optional(),
  reason: z.string().optional(),
  bodyExcerpt: z.string().optional(),
  remedy: z.string().optional(),
  outcome: z.enum(['fail', 'error']),
});
export type LastFailure = z.infer<typeof failureSchema>;

export const incidentSchema = z.object({
  doc: z.string().min(1),
  endpoint: z.string().optional(),
  domain: z.string(),
  tags: z.array(z.string()).default([]),
  /** `open` once failAfter consecutive fail/error runs; `ok` again after recoverAfter passes. */
  state: z.enum(['ok', 'open']),
  consecutiveFailures: z.number().int().min(0),
  consecutivePasses: z.number().int().min(0),
  /** Start of the current failing streak (kept while open). */
  failingSince: iso.optional(),
  /** What people were last told: a doc.failing that no doc.recovered followed, or nothing. */
  told: z.enum(['failing', 'ok']),
  /** When incidents closed within the flapping window, oldest first. */
  closes: z.array(iso).default([]),
  lastTransitionAt: iso.optional(),
  flapping: z.boolean().default(false),
  lastFailure: failureSchema.optional(),
  /** The alert the write that stored this version made (one doc), for the stream-fed alert Lambda. */
  alert: z.unknown().optional(),
});
export type IncidentData = z.infer<typeof incidentSchema>;

/**
 * Whether a `condition` record is a target condition (`<condition>#<subject>`). The same kind also holds
 * other run-level findings (the auth matrix's `auth.accepted#<doc>#<tokenType>`), which readers skip.
 */
export const isTargetConditionKey = (key: string): boolean =>
  ['target.down#', 'credential.rejected#', 'target.rate_limited#'].some((p) => key.startsWith(p));

export const conditionSchema = z.object({
  condition: z.enum(['target.down', 'credential.rejected', 'target.rate_limited']),
  subject: z.string().min(1),
  rule: z.string(),
  state: z.enum(['active', 'clear']),
  since: iso,
  /** Whether the start was alerted (an `--all` mute silences it, and then its clearing too). */
  alerted: z.boolean(),
  runId: z.string(),
  domains: z.array(z.string()).default([]),
  evidence: z
    .object({
      considered: z.number(),
      matched: z.number(),
      byKind: z.record(z.string(), z.number()),
      examples: z.array(
        z.object({
          doc: z.string(),
          step: z.string(),
          method: z.string(),
          url: z.string().optional(),
          actual: z.string(),
        }),
      ),
      rateCapRps: z.number().optional(),
    })
    .optional(),
  remedy: z.string().optional(),
  /** The alert the write that stored this version made, for the stream-fed alert Lambda. */
  alert: z.unknown().optional(),
});
export type ConditionData = z.infer<typeof conditionSchema>;

export const muteScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('doc'), glob: z.string().min(1) }),
  z.object({ kind: z.literal('domain'), domain: z.string().min(1) }),
  z.object({ kind: z.literal('tag'), tag: z.string().min(1) }),
  z.object({ kind: z.literal('all') }),
]);
export type MuteScope = z.infer<typeof muteScopeSchema>;

export const muteSchema = z.object({
  id: z.string().min(1),
  scope: muteScopeSchema,
  from: iso,
  until: iso,
  reason: z.string().optional(),
  createdAt: iso,
});
export type MuteData = z.infer<typeof muteSchema>;

/** Parses a record's data; a record that does not parse is a fault (a bug or a hand-edited store). */
export function parseRecord<T>(schema: z.ZodType<T>, record: HealthRecord): T {
  const r = schema.safeParse(record.data);
  if (!r.success) {
    throw new HealthRecordError(
      `health record ${record.kind} "${record.key}" v${record.version} does not match its schema: ${r.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return r.data;
}

export const conditionKey = (condition: string, subject: string): string => `${condition}#${subject}`;
