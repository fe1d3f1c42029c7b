// Ports: the only way the pure engine reaches the outside world. Adapters in lambda/adapters/
// implement them (undici, local files, DynamoDB, S3, SNS, Secrets Manager); tests use real servers.
import type {
  Alert,
  BusinessState,
  DocResult,
  DocStatus,
  HttpFaultKind,
  Outcome,
  RunResult,
  Summary,
} from './model.js';

// ---------------------------------------------------------------- HTTP

export type MultipartPart =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly data: Uint8Array;
    };

export type RequestBody =
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'multipart'; readonly parts: readonly MultipartPart[] };

export interface HttpRequest {
  readonly method: string;
  /** Absolute URL, already checked to belong to a configured origin. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Body text, at most the adapter's cap (the rest is discarded, `truncated` is set). */
  readonly body: string;
  readonly truncated: boolean;
  readonly durationMs: number;
  /** On a 429 returned as it is: how many times the adapter retried it first. */
  readonly retries429?: number;
}

export type { HttpFaultKind } from './model.js';

export class HttpFault extends Error {
  override readonly name = 'HttpFault';
  constructor(
    readonly kind: HttpFaultKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Sends one request. The adapter owns transport policy: pooling per origin, the run-wide rate cap
 * (a sliding window: never more than N requests in any second), per-request timeout, 429 with
 * Retry-After, and one retry of a GET after a timeout/connection error. Throws `HttpFault` only.
 */
export interface HttpClient {
  send(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
}

// ---------------------------------------------------------------- files and docs

/** Test files for multipart `file_fields` (FORMAT.md §3): resolved against a deployment folder/prefix. */
export interface TestFiles {
  read(filePath: string): Promise<Uint8Array>;
}

export interface DocSource {
  /** Every `*.md` under the docs root, as ids relative to it (`/` separators), sorted. */
  list(): Promise<readonly string[]>;
  read(id: string): Promise<string>;
}

// ---------------------------------------------------------------- state

/** The current state of one doc, kept across runs. */
export interface DocState {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  readonly status?: DocStatus;
  readonly outcome: Outcome;
  /** When the doc entered its current outcome. */
  readonly since: string;
  readonly consecutiveFailures: number;
  readonly lastRunId: string;
  readonly lastRunAt: string;
  readonly reason?: string;
  /** The latest skip since the last observed outcome (a skip keeps the doc's health; doc-state.ts). */
  readonly lastSkip?: { readonly runId: string; readonly at: string; readonly reason?: string };
  /**
   * The doc was no longer found by a full (unfiltered) run: deleted or renamed. A removed doc leaves
   * the doc listings and the status page; its next result (the doc is back) clears this.
   */
  readonly removed?: { readonly runId: string; readonly at: string };
}

/** One result in a doc's history, compact (the run's results keep the whole DocResult). */
export interface DocHistoryEntry {
  readonly runId: string;
  readonly at: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The first step that failed or errored. */
  readonly failingStep?: string;
  /** The result's reason, at most HISTORY_REASON_MAX characters. */
  readonly reason?: string;
}

/** One doc's results on one UTC day. */
export interface DocUptime {
  readonly doc: string;
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly runs: number;
  readonly passed: number;
  /** Results that were pass, fail or error (the uptime's denominator). */
  readonly counted: number;
}

export type HealthKind = 'incident' | 'condition' | 'mute';

/** A health record: its data's shape is owned and validated by lambda/engine/health/. */
export interface HealthRecord {
  readonly kind: HealthKind;
  /** incident: doc id; condition: `<condition>#<subject>`; mute: mute id. */
  readonly key: string;
  /** 1 after the first write; each write adds 1. */
  readonly version: number;
  /** A JSON object. */
  readonly data: unknown;
  readonly updatedAt: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /**
   * `refused`: the run lock was held, or the credentials are not configured; `abandoned`: closed by a
   * later run; `interrupted`: stopped early on request (Ctrl-C, --bail), the summary counts the docs
   * that ran.
   */
  readonly status: 'running' | 'finished' | 'failed' | 'refused' | 'abandoned' | 'interrupted';
  /** Why a run was refused, abandoned or failed. */
  readonly reason?: string;
  /** The plan's capacity line (issue 14): the numbers, and the fix when the run does not fit its period. */
  readonly capacity?: string;
  /** Shards the run was cut into (1: it ran in one Lambda). */
  readonly shards?: number;
  readonly trigger?: string;
  readonly summary?: Summary;
  readonly filters?: Readonly<Record<string, unknown>>;
  /** An abandoned run: the planned docs that got no result (at most MISSING_LISTED of them). */
  readonly missing?: readonly string[];
}

/** An abandoned run's record lists at most this many docs without a result (the item stays small). */
export const MISSING_LISTED = 500;

/** Where a page of runs ended: the last run listed. */
export type RunPosition = Pick<RunRecord, 'startedAt' | 'runId'>;

export interface DocStateFilter {
  readonly domain?: string;
  readonly outcome?: Outcome;
  /** Removed docs too (DocState.removed). @default false */
  readonly includeRemoved?: boolean;
}

/** A page of a run's results, and where the next one starts (absent: this was the last). */
export interface RunResultsPage {
  readonly results: readonly DocResult[];
  /** Opaque to callers: pass it back unchanged for the next page. */
  readonly cursor?: string;
}

/**
 * Durable state. Implementations: local files (`--state DIR`) and DynamoDB. Both pass the same
 * contract tests (test/contract/state-store.contract.ts). All writes are single-item and atomic.
 *
 * Durability rule: a write's promise resolves only once what it wrote is stored, so a fresh store
 * instance (another process, another Lambda) reads it back, even if this process is killed the next
 * instant. `recordDocResult` resolves once the result, the doc's new state, its history entry and
 * its uptime count are all stored; the engine reports a doc only after that. A store may gather
 * concurrent calls into one write, but never acknowledges a call before its own data is written.
 * `flush()` resolves once every write started before it has settled; it never makes an
 * acknowledged write "more" durable (there is nothing left to do for those).
 */
export interface StateStore {
  startRun(run: RunRecord): Promise<void>;
  /** Records one doc's result as soon as it completes: history item + current doc state. */
  recordDocResult(runId: string, result: DocResult): Promise<DocState>;
  finishRun(
    runId: string,
    finishedAt: string,
    summary: Summary,
    status?: 'finished' | 'failed' | 'interrupted',
  ): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** A run's per-doc results, in completion order. */
  getRunResults(runId: string): Promise<readonly DocResult[]>;
  /**
   * A run's results in completion order, at most `limit` (1 to 1000) from `cursor` (the previous page's;
   * undefined for the first). Pages never miss or repeat a result stored before the first page.
   */
  listRunResults(runId: string, limit: number, cursor?: string): Promise<RunResultsPage>;
  /** Most recent first; with `before`, only runs older than it (by startedAt, then runId): the next page. */
  listRuns(limit: number, before?: RunPosition): Promise<readonly RunRecord[]>;
  getDocState(doc: string): Promise<DocState | undefined>;
  /** Removed docs (DocState.removed) are left out unless asked for. */
  listDocStates(filter?: DocStateFilter): Promise<readonly DocState[]>;
  /**
   * A full run's reckoning: every doc with a state that is not in `present` and not removed yet is
   * marked removed by `runId` at `at`. Returns the docs it marked. Only an unfiltered run calls it.
   */
  markRemovedDocs(present: readonly string[], runId: string, at: string): Promise<readonly string[]>;
  /** Each doc's most recent `limit` results (newest first), without reading old runs' full results. */
  listDocHistory(
    limit: number,
    docs?: readonly string[],
  ): Promise<ReadonlyMap<string, readonly DocHistoryEntry[]>>;
  /** Per doc and UTC day since sinceDay (inclusive), counts kept up to date as results are recorded. */
  listDocUptime(sinceDay: string, docs?: readonly string[]): Promise<readonly DocUptime[]>;

  getBusiness(businessId: string): Promise<BusinessState | undefined>;
  /**
   * Writes `next` only if the stored version equals `expectedVersion` (0 = must not exist).
   * Returns false when another writer won; never throws for a lost race.
   */
  putBusiness(next: BusinessState, expectedVersion: number): Promise<boolean>;
  listBusinesses(): Promise<readonly BusinessState[]>;

  getHealth(kind: HealthKind, key: string): Promise<HealthRecord | undefined>;
  /** Every record of a kind, by key. */
  listHealth(kind: HealthKind): Promise<readonly HealthRecord[]>;
  /** Writes with version expectedVersion+1 only if stored version === expectedVersion (0 = must not exist). false when another writer won; never throws for a lost race. */
  putHealth(
    kind: HealthKind,
    key: string,
    data: unknown,
    expectedVersion: number,
    at: string,
  ): Promise<boolean>;
  /** Deletes only if the stored version === expectedVersion; false otherwise (absent included). */
  deleteHealth(kind: HealthKind, key: string, expectedVersion: number): Promise<boolean>;

  /** Lease lock: acquired when free, held by `owner`, or the previous lease expired. */
  acquireLock(name: string, owner: string, leaseMs: number, now: Date): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;

  /** Resolves once every write started before the call has settled (see the durability rule). */
  flush(): Promise<void>;
}

// ---------------------------------------------------------------- alerts, time

export interface AlertSink {
  /** Delivers one alert. Delivery errors are reported by the sink, never thrown into a run. */
  publish(alert: Alert): Promise<void>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

/** Observes a run as it happens (the CLI renders progress from these; nothing else does output). */
export type RunEvent =
  | { readonly type: 'run-started'; readonly runId: string; readonly total: number; readonly at: string }
  | { readonly type: 'doc-started'; readonly doc: string }
  | { readonly type: 'doc-finished'; readonly result: DocResult }
  | { readonly type: 'alert'; readonly alert: Alert }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'run-finished'; readonly result: RunResult };
