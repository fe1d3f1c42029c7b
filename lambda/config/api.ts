// The API Lambda's configuration (set by lib/ constructs; see VerifierApi).
import * as z from 'zod';
import { type Env, intFrom, nonEmpty, readEnv } from './env.js';

export const ApiEnvSchema = z.object({
  STATE_TABLE_NAME: nonEmpty,
  IDEMPOTENCY_TABLE_NAME: nonEmpty,
  VERIFIER_FUNCTION_NAME: nonEmpty,
  RETENTION_DAYS: intFrom(1, 30),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: intFrom(1, 3600),
  /** The bucket the verifier writes the status page to; unset: GET /status answers 404. */
  STATUS_BUCKET: z.string().min(1).optional(),
  STATUS_PREFIX: z.string().default('status/'),
});

export interface ApiConfig {
  readonly tableName: string;
  readonly idempotencyTableName: string;
  readonly verifierFunctionName: string;
  readonly retentionDays: number;
  readonly idempotencyTtlSeconds: number;
  readonly statusBucket?: string;
  readonly statusPrefix: string;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const e = readEnv(ApiEnvSchema, env);
  return {
    tableName: e.STATE_TABLE_NAME,
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    verifierFunctionName: e.VERIFIER_FUNCTION_NAME,
    retentionDays: e.RETENTION_DAYS,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    ...(e.STATUS_BUCKET && { statusBucket: e.STATUS_BUCKET }),
    statusPrefix: e.STATUS_PREFIX,
  };
}
