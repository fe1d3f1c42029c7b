// Ports: the only way the pure engine reaches the outside world. Adapters in lambda/adapters/
// implement them (undici, local files, DynamoDB, S3, SNS, Secrets Manager); tests use real servers.
import type { Alert, BusinessState, DocResult, DocStatus, Outcome, RunResult, Summary } from './model.js';

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

/** Transport faults. An HTTP status is never a fault: it is a response. */
export type HttpFaultKind = 'timeout' | 'connect' | 'reset' | 'dns' | 'redirect' | 'aborted' | 'other';

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
}

export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly status: 'running' | 'finished' | 'failed';
  readonly trigger?: string;
  readonly summary?: Summary;
  readonly filters?: Readonly<Record<string, unknown>>;
}

export interface DocStateFilter {
  readonly domain?: string;
  readonly outcome?: Outcome;
}

/**
 * Durable state. Implementations: local files (`--state DIR`) and DynamoDB. Both pass the same
 * contract tests (test/contract/state-store.contract.ts). All writes are single-item and atomic.
 */
export interface StateStore {
  startRun(run: RunRecord): Promise<void>;
  /** Records one doc's result as soon as it completes: history item + current doc state. */
  recordDocResult(runId: string, result: DocResult): Promise<DocState>;
  /**
   * A hint that no more results are coming soon (the run's last docs are done): a store that holds
   * results back to write several at once writes what it holds now.
   */
  flushSoon?(): void;
  finishRun(
    runId: string,
    finishedAt: string,
    summary: Summary,
    status?: 'finished' | 'failed',
  ): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** A run's per-doc results, in completion order. */
  getRunResults(runId: string): Promise<readonly DocResult[]>;
  /** Most recent first. */
  listRuns(limit: number): Promise<readonly RunRecord[]>;
  getDocState(doc: string): Promise<DocState | undefined>;
  listDocStates(filter?: DocStateFilter): Promise<readonly DocState[]>;

  getBusiness(businessId: string): Promise<BusinessState | undefined>;
  /**
   * Writes `next` only if the stored version equals `expectedVersion` (0 = must not exist).
   * Returns false when another writer won; never throws for a lost race.
   */
  putBusiness(next: BusinessState, expectedVersion: number): Promise<boolean>;
  listBusinesses(): Promise<readonly BusinessState[]>;

  /** Lease lock: acquired when free, held by `owner`, or the previous lease expired. */
  acquireLock(name: string, owner: string, leaseMs: number, now: Date): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
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
