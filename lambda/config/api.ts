// The API Lambda's configuration (set by lib/ constructs; see VerifierApi).
import * as z from 'zod';
import { type Env, intFrom, nonEmpty, readEnv } from './env.js';

export const ApiEnvSchema = z.object({
  STATE_TABLE_NAME: nonEmpty,
  IDEMPOTENCY_TABLE_NAME: nonEmpty,
  VERIFIER_FUNCTION_NAME: nonEmpty,
  /** Target name → verifier function name (one per target); `POST /runs` body `target` picks one. */
  VERIFIER_FUNCTIONS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON object { "<target>": "<function name>" }' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.string().min(1))),
  RETENTION_DAYS: intFrom(1, 30),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: intFrom(1, 3600),
  /** The bucket the verifier writes the status page to; unset: GET /status answers 404. */
  STATUS_BUCKET: z.string().min(1).optional(),
  STATUS_PREFIX: z.string().default('status/'),
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
  readonly statusPrefix: string;
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
    metricDimensions: { ...(e.METRICS_STACK && { stack: e.METRICS_STACK }) },
  };
}
