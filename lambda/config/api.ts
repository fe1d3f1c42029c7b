// The API Lambda's configuration (set by lib/ constructs; see VerifierApi).
import * as z from 'zod';
import { type Env, intFrom, nonEmpty, readEnv } from './env.js';

/** A JSON object of non-empty strings by non-empty name, e.g. `{ "<target>": "<function name>" }`. */
const jsonRecord = (example: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a JSON object ${example}` });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.string().min(1)));

export const ApiEnvSchema = z.object({
  STATE_TABLE_NAME: nonEmpty,
  IDEMPOTENCY_TABLE_NAME: nonEmpty,
  VERIFIER_FUNCTION_NAME: nonEmpty,
  /** Target name → verifier function name (one per target); `POST /runs` body `target` picks one. */
  VERIFIER_FUNCTIONS: jsonRecord('{ "<target>": "<function name>" }'),
  RETENTION_DAYS: intFrom(1, 30),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: intFrom(1, 3600),
  /** The bucket the verifier writes the status page to; unset: GET /status answers 404. */
  STATUS_BUCKET: z.string().min(1).optional(),
  STATUS_PREFIX: z.string().default('status/'),
  /** Target name → its status page prefix, in target order; `GET /status?target=NAME` picks one. */
  STATUS_PREFIXES: jsonRecord('{ "<target>": "status/<target>/" }'),
  /** The stack's name: the `stack` dimension of the API's metrics. */
  METRICS_STACK: z.string().min(1).optional(),
});

export interface ApiConfig {
  readonly tableName: string;
  readonly idempotencyTableName: string;
  readonly verifierFunctionName: string;
  /** By target name; empty for a stack from before targets (only VERIFIER_FUNCTION_NAME). */
  readonly verifierFunctions: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  readonly idempotencyTtlSeconds: number;
  readonly statusBucket?: string;
  /** The first target's page, or the only page of a stack from before targets. */
  readonly statusPrefix: string;
  /** By target name, in target order; empty for a stack from before targets (only STATUS_PREFIX). */
  readonly statusPrefixes: Readonly<Record<string, string>>;
  /** Added to every metric the API emits: `stack` (when set). */
  readonly metricDimensions: Readonly<Record<string, string>>;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const e = readEnv(ApiEnvSchema, env);
  return {
    tableName: e.STATE_TABLE_NAME,
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    verifierFunctionName: e.VERIFIER_FUNCTION_NAME,
    verifierFunctions: e.VERIFIER_FUNCTIONS,
    retentionDays: e.RETENTION_DAYS,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    ...(e.STATUS_BUCKET && { statusBucket: e.STATUS_BUCKET }),
    statusPrefix: e.STATUS_PREFIX,
    statusPrefixes: e.STATUS_PREFIXES,
    metricDimensions: { ...(e.METRICS_STACK && { stack: e.METRICS_STACK }) },
  };
}
