// The verifier Lambda's contract: what it is built from (deps), what one invocation answers, and the
// run's endpoint-health settings from its config.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import type { CredentialsLoader } from '../../adapters/secrets/credentials.js';
import type { RunExecutions } from '../../adapters/sfn/run-executions.js';
import type { VerifyConfig } from '../../config/verify.js';
import type { RunResult } from '../../engine/model.js';
import type { AlertSink, Clock, DocSource, HttpClient, StateStore, TestFiles } from '../../engine/ports.js';
import type { HealthRunOptions } from '../../engine/target.js';
import type { StatusPageSink } from '../../report-html/publish.js';
import type { FanOutOutcome } from '../fanout/deps.js';
import type { RunPromises } from '../run-promises.js';

export class VerifyRunError extends Error {
  override readonly name = 'VerifyRunError';
}

export type VerifyOutcome =
  | { readonly status: 'finished'; readonly runId: string; readonly result: RunResult }
  | { readonly status: 'refused'; readonly runId: string; readonly reason: string }
  | {
      readonly status: 'started';
      readonly runId: string;
      readonly executionArn: string;
      readonly shards: number;
      readonly maxConcurrency: number;
    }
  | FanOutOutcome;

export interface VerifyHandlerDeps {
  readonly config: Pick<
    VerifyConfig,
    'baseUrl' | 'fallbackUrl' | 'partnersUrl' | 'concurrency' | 'allowDelete' | 'lockName' | 'stopMarginMs'
  > &
    Partial<
      Pick<
        VerifyConfig,
        | 'rules'
        | 'rps'
        | 'periodMs'
        | 'shardBudgetMs'
        | 'maxParallelShards'
        | 'targetName'
        | 'failAfter'
        | 'recoverAfter'
        | 'targetRules'
        | 'authMatrix'
      >
    >;
  readonly store: StateStore;
  readonly docs: DocSource;
  readonly testFiles?: TestFiles;
  readonly credentials: CredentialsLoader;
  readonly http: HttpClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default - the system clock */
  readonly clock?: Clock;
  /**
   * Runs the plan cuts into several shards start this state machine (lib/constructs/fan-out.ts).
   * @default - every run stays in this Lambda, however big (docs past the deadline are skip)
   */
  readonly fanOut?: {
    readonly executions: RunExecutions;
    readonly artifacts: RunArtifacts;
    /** A client holding `rps` in every one-second window, for a shard's share of the cap. */
    readonly httpFor: (rps: number) => HttpClient;
  };
  /** Where the status page is written after each run (S3 on AWS). @default - no status page */
  readonly statusPage?: StatusPageSink;
  /** Where a run's health and auth alerts go (the outbox on the state table on AWS). @default - nowhere */
  readonly alerts?: AlertSink;
  /**
   * What a run checks beyond status codes, in one-shard runs and shards alike (run-promises.ts).
   * @default - the auth matrix when the run asks for it, no response contracts
   */
  readonly promises?: RunPromises;
}

export type LambdaClock = Pick<Context, 'getRemainingTimeInMillis'>;

export type VerifyHandler = (event: unknown, context: LambdaClock) => Promise<VerifyOutcome>;

/** The run's endpoint-health settings from the Lambda's config (FAIL_AFTER, RECOVER_AFTER, TARGET_RULES, RPS, TARGET_NAME). */
export function healthOf(
  config: Partial<Pick<VerifyConfig, 'failAfter' | 'recoverAfter' | 'targetRules' | 'rps'>>,
  targetName: string,
): HealthRunOptions {
  return {
    ...(config.failAfter !== undefined && { failAfter: config.failAfter }),
    ...(config.recoverAfter !== undefined && { recoverAfter: config.recoverAfter }),
    ...(config.targetRules !== undefined && { rules: config.targetRules }),
    ...(config.rps !== undefined && { rateCapRps: config.rps }),
    target: targetName,
  };
}
