// The verifier Lambda's configuration (set by lib/ constructs; see VerifierFunction).
// The run settings are validated by the same schema as the CLI's (lambda/config/run-config.ts), under
// the environment variables' names.
import * as z from 'zod';
import { type Env, flag, intFrom, jsonText, nonEmpty, readEnv } from './env.js';
import { type RunConfig, runConfigSchema } from './run-config.js';

const run = runConfigSchema.shape;

export const VerifyEnvSchema = z.object({
  STATE_TABLE_NAME: nonEmpty,
  DOCS_BUCKET: nonEmpty,
  DOCS_PREFIX: z.string().default('docs/'),
  TEST_FILES_PREFIX: z.string().default('test-files/'),
  TARGET_SECRET_ID: nonEmpty,
  TARGET_BASE_URL: run.baseUrl,
  TARGET_FALLBACK_URL: run.fallbackUrl,
  TARGET_PARTNERS_URL: run.partnersUrl,
  CONCURRENCY: run.concurrency,
  RPS: run.rps,
  REQUEST_TIMEOUT_MS: run.timeoutMs,
  ALLOW_DELETE: flag(false),
  /** The stack's `failAfter` / `recoverAfter` props (endpoint health). */
  FAIL_AFTER: run.failAfter,
  RECOVER_AFTER: run.recoverAfter,
  RETENTION_DAYS: intFrom(1, 30),
  LOCK_NAME: nonEmpty.default('verifier-run'),
  /** Stop starting docs when less than this remains before the Lambda timeout. */
  STOP_MARGIN_MS: intFrom(0, 60_000),
  SECRET_MAX_AGE_SECONDS: intFrom(0, 300),
  /** Fan-out (issue 14): the schedule period a run must fit in, a shard's planned wall time, shards at once. */
  SCHEDULE_PERIOD_MINUTES: intFrom(1, 15),
  SHARD_BUDGET_MS: intFrom(1000, 540_000),
  MAX_PARALLEL_SHARDS: intFrom(1, 10),
  /** The fan-out state machine; without it every run stays in one Lambda. */
  STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  TARGET_NAME: z.string().min(1).max(64).default('default'),
  /** The stack's name: with TARGET_NAME, the dimensions of every metric (the stack's alarms watch them). */
  METRICS_STACK: z.string().min(1).optional(),
  /** S3 key (in DOCS_BUCKET) of extra condition rules, a JSON array, read at cold start. */
  CONDITION_RULES_KEY: z.string().min(1).optional(),
  /** Where fanned-out runs keep their plan, observations and report (in DOCS_BUCKET). */
  RUNS_PREFIX: z.string().default('runs/'),
  /** Where the status page goes after each run (status/index.html, status/status.json); unset: no page. */
  STATUS_BUCKET: z.string().min(1).optional(),
  STATUS_PREFIX: z.string().default('status/'),
  /** The auth matrix on every run (`off`, `get`, `all`); the auth-matrix schedule turns it on for its runs. */
  AUTH_MATRIX: z.enum(['off', 'get', 'all']).default('off'),
  /** Response contracts (the target's `openapi` prop): the specs' key prefix in DOCS_BUCKET; unset: none. */
  OPENAPI_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)+$/, { message: 'expected a key prefix ending in /, e.g. specs/' })
    .optional(),
  /** Remote `$ref` URL prefix → key prefix under OPENAPI_PREFIX, a JSON object. */
  OPENAPI_REF_MAP: jsonText({}, 'a JSON object { "https://…/": "entities/" }').pipe(
    z.record(z.string().regex(/^https?:\/\/\S+$/), z.string()),
  ),
  /** A contract drift fails the doc (`--contract strict`). */
  OPENAPI_STRICT: flag(false),
  /** Extra business-condition rules, a JSON array (the stack's `conditionRules` prop). */
  CONDITION_RULES: jsonText([], 'a JSON array of rules').pipe(run.rules),
  /** Target-condition rules, a JSON array (the stack's `targetRules` prop): by name they replace the defaults. */
  TARGET_RULES: jsonText([], 'a JSON array of target-condition rules').pipe(run.targetRules),
});

/** The shared run settings, plus what only the Lambda has (table, bucket, secret, lock, margins). */
export interface VerifyConfig extends RunConfig {
  readonly tableName: string;
  readonly docsBucket: string;
  readonly docsPrefix: string;
  readonly testFilesPrefix: string;
  readonly secretId: string;
  readonly retentionDays: number;
  readonly lockName: string;
  readonly stopMarginMs: number;
  readonly secretMaxAgeSeconds: number;
  readonly periodMs: number;
  readonly shardBudgetMs: number;
  readonly maxParallelShards: number;
  readonly stateMachineArn?: string;
  readonly targetName: string;
  readonly runsPrefix: string;
  readonly statusBucket?: string;
  readonly statusPrefix: string;
  readonly authMatrix: 'off' | 'get' | 'all';
  /** Response contracts from the specs under this prefix of the docs bucket. @default - none */
  readonly openapi?: {
    readonly prefix: string;
    readonly refMap: Readonly<Record<string, string>>;
    readonly strict: boolean;
  };
  /** Added to every metric the verifier emits: `stack` (when set) and `target`. */
  readonly metricDimensions: Readonly<Record<string, string>>;
  readonly conditionRulesKey?: string;
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
    timeoutMs: e.REQUEST_TIMEOUT_MS,
    allowDelete: e.ALLOW_DELETE,
    failAfter: e.FAIL_AFTER,
    recoverAfter: e.RECOVER_AFTER,
    retentionDays: e.RETENTION_DAYS,
    lockName: e.LOCK_NAME,
    stopMarginMs: e.STOP_MARGIN_MS,
    secretMaxAgeSeconds: e.SECRET_MAX_AGE_SECONDS,
    rules: e.CONDITION_RULES,
    targetRules: e.TARGET_RULES,
    periodMs: e.SCHEDULE_PERIOD_MINUTES * 60_000,
    shardBudgetMs: e.SHARD_BUDGET_MS,
    maxParallelShards: e.MAX_PARALLEL_SHARDS,
    ...(e.STATE_MACHINE_ARN && { stateMachineArn: e.STATE_MACHINE_ARN }),
    targetName: e.TARGET_NAME,
    runsPrefix: e.RUNS_PREFIX,
    ...(e.STATUS_BUCKET && { statusBucket: e.STATUS_BUCKET }),
    statusPrefix: e.STATUS_PREFIX,
    authMatrix: e.AUTH_MATRIX,
    ...(e.OPENAPI_PREFIX && {
      openapi: { prefix: e.OPENAPI_PREFIX, refMap: e.OPENAPI_REF_MAP, strict: e.OPENAPI_STRICT },
    }),
    metricDimensions: { ...(e.METRICS_STACK && { stack: e.METRICS_STACK }), target: e.TARGET_NAME },
    ...(e.CONDITION_RULES_KEY && { conditionRulesKey: e.CONDITION_RULES_KEY }),
  };
}
