// The verifier Lambda's configuration (set by lib/ constructs; see VerifierFunction).
import * as z from 'zod';
import { type ConditionRule, conditionRuleSchema, DEFAULT_RULES } from '../engine/conditions/rules.js';
import { DEFAULTS } from '../engine/target.js';
import { type Env, flag, httpUrl, intFrom, nonEmpty, readEnv } from './env.js';

export const VerifyEnvSchema = z.object({
  STATE_TABLE_NAME: nonEmpty,
  DOCS_BUCKET: nonEmpty,
  DOCS_PREFIX: z.string().default('docs/'),
  TEST_FILES_PREFIX: z.string().default('test-files/'),
  TARGET_SECRET_ID: nonEmpty,
  TARGET_BASE_URL: httpUrl,
  TARGET_FALLBACK_URL: httpUrl.optional(),
  TARGET_PARTNERS_URL: httpUrl.optional(),
  CONCURRENCY: intFrom(1, DEFAULTS.concurrency),
  RPS: intFrom(0, DEFAULTS.rps),
  REQUEST_TIMEOUT_MS: intFrom(1, DEFAULTS.timeoutMs),
  ALLOW_DELETE: flag(false),
  RETENTION_DAYS: intFrom(1, 30),
  LOCK_NAME: nonEmpty.default('verifier-run'),
  /** Stop starting docs when less than this remains before the Lambda timeout. */
  STOP_MARGIN_MS: intFrom(0, 60_000),
  SECRET_MAX_AGE_SECONDS: intFrom(0, 300),
  /** Where the status page goes after each run (status/index.html, status/status.json); unset: no page. */
  STATUS_BUCKET: z.string().min(1).optional(),
  STATUS_PREFIX: z.string().default('status/'),
  /** Extra business-condition rules, a JSON array (the stack's `conditionRules` prop). */
  CONDITION_RULES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return [];
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON array of rules' });
        return z.NEVER;
      }
    })
    .pipe(z.array(conditionRuleSchema)),
});

export interface VerifyConfig {
  readonly tableName: string;
  readonly docsBucket: string;
  readonly docsPrefix: string;
  readonly testFilesPrefix: string;
  readonly secretId: string;
  readonly baseUrl: string;
  readonly fallbackUrl?: string;
  readonly partnersUrl?: string;
  readonly concurrency: number;
  readonly rps: number;
  readonly requestTimeoutMs: number;
  readonly allowDelete: boolean;
  readonly retentionDays: number;
  readonly lockName: string;
  readonly stopMarginMs: number;
  readonly secretMaxAgeSeconds: number;
  /** The documented defaults, then CONDITION_RULES. */
  readonly rules: readonly ConditionRule[];
  readonly statusBucket?: string;
  readonly statusPrefix: string;
}

export function loadVerifyConfig(env: Env = process.env): VerifyConfig {
  const e = readEnv(VerifyEnvSchema, env);
  return {
    tableName: e.STATE_TABLE_NAME,
    docsBucket: e.DOCS_BUCKET,
    docsPrefix: e.DOCS_PREFIX,
    testFilesPrefix: e.TEST_FILES_PREFIX,
    secretId: e.TARGET_SECRET_ID,
    baseUrl: e.TARGET_BASE_URL,
    ...(e.TARGET_FALLBACK_URL && { fallbackUrl: e.TARGET_FALLBACK_URL }),
    ...(e.TARGET_PARTNERS_URL && { partnersUrl: e.TARGET_PARTNERS_URL }),
    concurrency: e.CONCURRENCY,
    rps: e.RPS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    allowDelete: e.ALLOW_DELETE,
    retentionDays: e.RETENTION_DAYS,
    lockName: e.LOCK_NAME,
    stopMarginMs: e.STOP_MARGIN_MS,
    secretMaxAgeSeconds: e.SECRET_MAX_AGE_SECONDS,
    rules: [...DEFAULT_RULES, ...e.CONDITION_RULES],
    ...(e.STATUS_BUCKET && { statusBucket: e.STATUS_BUCKET }),
    statusPrefix: e.STATUS_PREFIX,
  };
}
