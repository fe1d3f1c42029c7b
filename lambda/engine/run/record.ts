// Recording each doc's result as soon as it is known, and back-pressure when the store falls behind.
//
// A concurrency slot is held while a doc runs, not while its result is stored: the durable write
// overlaps the next doc's requests (and a store may gather several results into one write). No doc
// starts while `maxUnstored` results wait for the store, so a slow store slows the run down instead of
// piling results up in memory. A result counts (summary, doc-finished) only once it is stored.
import type { DocResult, Summary } from '../model.js';
import type { RunEvent, StateStore } from '../ports.js';
import type { Redactor } from '../redact.js';
import type { DocMeta } from './pass-one.js';
import type { ResultBody } from './prepare.js';

/** Results that may wait for the store at once (at least the run's concurrency). */
export const MAX_UNSTORED = 16;

export interface Recorder {
  /** Resolves once fewer than the limit of results wait for the store. */
  room(): Promise<void>;
  /** Starts storing a result; a store failure becomes the recorder's fault, not a rejection. */
  record(result: DocResult): void;
  /** Tells the store no more results come, and waits for every result to be stored. */
  drain(): Promise<void>;
  /** Marks the run as failed (the first fault wins): no more docs start. */
  fail(err: unknown): void;
  /** The first fault (a store failure, or one passed to `fail`), if any: the run must not go on. */
  readonly fault: unknown;
}

export interface RecorderOptions {
  readonly store: StateStore;
  readonly runId: string;
  readonly concurrency: number;
  readonly summary: Summary;
  readonly emit: (e: RunEvent) => void;
  /** Called once, on the first fault. */
  readonly onFault?: (err: unknown) => void;
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const { store, runId, summary, emit } = opts;
  const waiting = new Set<Promise<void>>();
  const limit = Math.max(MAX_UNSTORED, opts.concurrency);
  let fault: unknown;
  const fail = (err: unknown) => {
    if (fault !== undefined) return;
    fault = err ?? new Error('the state store failed');
    opts.onFault?.(fault);
  };
  return {
    get fault() {
      return fault;
    },
    fail,
    async room() {
      while (waiting.size >= limit) await Promise.race(waiting);
    },
    record(result) {
      const stored = store.recordDocResult(runId, result).then(() => {
        summary[result.outcome]++;
        summary.total++;
        emit({ type: 'doc-finished', result });
      }, fail);
      const tracked = stored.finally(() => waiting.delete(tracked));
      waiting.add(tracked);
    },
    async drain() {
      // no more results come: a store that gathers results commits what it holds now
      void store.flush().catch(() => {});
      while (waiting.size > 0) await Promise.all(waiting);
    },
  };
}

/** A doc's result: header fields, timing, and nothing that quotes the doc unredacted. */
export function docResult(
  id: string,
  meta: DocMeta,
  started: Date,
  finished: Date,
  body: ResultBody,
  redactor: Redactor,
): DocResult {
  return {
    doc: id,
    domain: meta.domain,
    // The header's endpoint is the doc's own text too (health alerts quote it).
    ...(meta.endpoint ? { endpoint: redactor.text(meta.endpoint) } : {}),
    ...(meta.tags ? { tags: meta.tags } : {}),
    ...(meta.status ? { status: meta.status } : {}),
    startedAt: started.toISOString(),
    ...body,
    // A doc may hard-code a token; nothing that quotes the doc may carry it out.
    ...(body.reason !== undefined ? { reason: redactor.text(body.reason) } : {}),
    ...(body.findings ? { findings: redactor.value(body.findings) } : {}),
    durationMs: finished.getTime() - started.getTime(),
  };
}
