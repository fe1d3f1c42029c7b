// What the fan-out steps (steps.ts, finish.ts) are given and what they return: the verifier
// function's wiring, the plan the planner stores next to the run, and each step's outcome.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import type { ConditionRule } from '../../engine/conditions/rules.js';
import type { RunResult, Summary } from '../../engine/model.js';
import type { AlertSink, Clock, DocSource, HttpClient, StateStore, TestFiles } from '../../engine/ports.js';
import type { Redactor } from '../../engine/redact.js';
import type { HealthRunOptions, Target } from '../../engine/target.js';
import type { RunPromises } from '../run-promises.js';
import type { FanOutInput } from './events.js';

export class FanOutError extends Error {
  override readonly name = 'FanOutError';
}

export interface FanOutDeps {
  readonly config: {
    readonly concurrency: number;
    readonly allowDelete: boolean;
    readonly lockName: string;
    readonly stopMarginMs: number;
    readonly rules?: readonly ConditionRule[];
    /** Endpoint health: the incident policy and the target conditions' name. */
    readonly health?: HealthRunOptions;
  };
  readonly store: StateStore;
  readonly docs: DocSource;
  readonly testFiles?: TestFiles;
  readonly artifacts: RunArtifacts;
  /** The target with its credentials, and a redactor for their every form. */
  readonly target: () => Promise<{ readonly target: Target; readonly redact: Redactor }>;
  /** An HTTP client holding `rps` (0 = uncapped) in every one-second window. */
  readonly httpFor: (rps: number) => HttpClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Writes the target's status page after the run is stored (never throws). @default - no page */
  readonly publishStatus?: (runId: string) => Promise<void>;
  /** Where the run's health alerts go (the outbox on the state table). @default - logged only */
  readonly alerts?: AlertSink;
  /** The run's promises (auth matrix, contracts), applied in each shard as in a one-shard run. @default - none */
  readonly promises?: RunPromises;
}

export type FanOutOutcome =
  | { readonly status: 'shard'; readonly runId: string; readonly shard: number; readonly summary: Summary }
  | { readonly status: 'finished'; readonly runId: string; readonly result: RunResult };

/** What the planner stores next to the run for the finish step. */
export interface StoredPlan {
  readonly input: FanOutInput;
  readonly capacity: string;
}
