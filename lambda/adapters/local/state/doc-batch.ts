// Group commit of doc-state updates for the local state store (see the header of state-store.ts for
// the guarantees, and state/doc-journal.ts for the journal itself).
//
// Results are queued in call order at call time; those handed in while a flush is in flight wait for
// the next flush, which starts one event-loop turn after the previous one ends (so callers it woke
// can join). A flush:
// 1. appends every queued result line durably (one write + fsync per results file); a caller whose
//    line failed is rejected here and its doc state left alone;
// 2. takes ONE cross-process lock file (mutex/docs-batch) and inside it: refreshes the journal's
//    index (only the bytes other processes appended since this instance last looked), applies every
//    queued result for each doc in call order (nextDocState), appends one line per doc of the batch
//    (its newest state) to DIR/docs.jsonl in ONE write, fsyncs once, releases the lock;
// 3. settles each caller with its own DocState;
// 4. when the journal has grown past its compaction threshold, takes the lock again and compacts it
//    (a new file, renamed over; callers are not kept waiting for it).
// A failure of the append or the lock rejects every caller of the batch; a doc whose legacy state
// file cannot be read rejects that doc's callers only. Either way the next flush starts clean.
//
// A flush creates no file (the journal exists after the first one; compaction creates one temp file
// every few runs), which is what made the per-doc-file store cost hundreds of ms of kernel CPU per
// run on ext4. The small page-cache operations (open, fstat, read, write, close) are synchronous:
// each costs microseconds of system time, where the promise version costs a threadpool round trip.
// Every fsync (a real wait on the disk) stays asynchronous, so the event loop never blocks on it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DocResult } from '../../../engine/model.js';
import type { DocState } from '../../../engine/ports.js';
import type { CommitOutcome, DocJournal } from './doc-journal.js';
import { type MutexOptions, withMutex } from './mutex.js';
import { appendLinesDurably } from './serial.js';

/** Name of the lock file (under the store's mutex folder) that every doc-state flush holds. */
export const DOCS_BATCH_LOCK = 'docs-batch';

export interface DocBatchTarget {
  /** The store's doc-state journal (one batcher per journal file and lock). */
  readonly journal: DocJournal;
  /** The store's mutex folder; the flush holds `<mutexDir>/docs-batch`. */
  readonly mutexDir: string;
  readonly mutexOptions: MutexOptions;
  /** Name of a doc's per-doc lock file in older stores (`doc-<key>`), honoured when one is held. */
  readonly legacyLockName: (doc: string) => string;
  /** @default FLUSH_INTERVAL_MS */
  readonly flushIntervalMs?: number;
}

interface Pending {
  /** Settles once the run's folder exists (queued at call time, so the queue keeps call order). */
  readonly ready: Promise<void>;
  /** The run's results file and the result's line, appended (durably) before the doc state moves. */
  readonly resultsFile: string;
  readonly line: string;
  readonly runId: string;
  readonly result: DocResult;
  readonly resolve: (state: DocState) => void;
  readonly reject: (err: unknown) => void;
}

interface Batcher {
  readonly target: DocBatchTarget;
  queue: Pending[];
  flushing: boolean;
  /** Ends a flush's wait for company early, once a full batch is queued. */
  full?: () => void;
  /** Set by flushSoon: no waiting for company until the queue is empty. */
  hurry?: boolean;
}

/**
 * A flush starts at least this long after the one before it, so results arriving meanwhile share its
 * writes and fsyncs: a run with ten docs in flight flushed once per one or two results (about 20
 * syscalls and two fsyncs each); now once per several. The first result after a quiet spell is
 * flushed at once. The runner holds no concurrency slot while its result is stored, so the wait is
 * off the run's critical path; a caller that awaits each result in turn pays it.
 */
export const FLUSH_INTERVAL_MS = 20;
/** A flush waiting for company starts at once when this many results are queued. */
export const FULL_BATCH = 64;

/** Process-wide counters, for tests and benchmarks: flushes run, lock files taken, waits for company. */
export const docBatchStats = { flushes: 0, locksTaken: 0, updates: 0, waits: 0 };

const batchers = new Map<string, Batcher>();
/** When each folder's last flush started (performance.now()); outlives its batcher. */
const lastStarts = new Map<string, number>();

function groupBy(items: readonly Pending[], key: (p: Pending) => string): Map<string, Pending[]> {
  const groups = new Map<string, Pending[]>();
  for (const p of items) {
    const k = key(p);
    const list = groups.get(k);
    if (list) list.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}

/**
 * Step 1: every result line, one durable append (write + fsync) per results file. Returns the
 * callers whose line is durable; the others are rejected here and their doc state left alone (the
 * history holds every result a doc state reflects).
 */
async function appendResults(queued: readonly Pending[]): Promise<Pending[]> {
  const ready = await Promise.all(
    queued.map((p) =>
      p.ready.then(
        () => true,
        (err: unknown) => {
          p.reject(err);
          return false;
        },
      ),
    ),
  );
  const groups = [
    ...groupBy(
      queued.filter((_, i) => ready[i]),
      (p) => p.resultsFile,
    ),
  ];
  const appended = await Promise.all(
    groups.map(async ([resultsFile, callers]) => {
      try {
        await appendLinesDurably(
          resultsFile,
          callers.map((p) => p.line),
        );
        return callers;
      } catch (err) {
        for (const p of callers) p.reject(err);
        return [];
      }
    }),
  );
  return appended.flat();
}

async function flush(target: DocBatchTarget, queued: readonly Pending[]): Promise<void> {
  const batch = await appendResults(queued);
  if (batch.length === 0) return;
  const byDoc = groupBy(batch, (p) => p.result.doc);
  const updates = [...byDoc].map(([doc, callers]) => ({
    doc,
    results: callers.map((p) => ({ runId: p.runId, result: p.result })),
  }));
  const lock = join(target.mutexDir, DOCS_BATCH_LOCK);
  let outcome: CommitOutcome;
  try {
    outcome = await withMutex(lock, target.mutexOptions, () => {
      docBatchStats.locksTaken++;
      return withLegacyDocLocks(target, byDoc, () => target.journal.commit(updates));
    });
  } catch (err) {
    // The lock, the append or its fsync failed: nobody in this batch is acknowledged.
    for (const p of batch) p.reject(err);
    return;
  }
  for (const [doc, error] of outcome.failed) for (const p of byDoc.get(doc) ?? []) p.reject(error);
  for (const [doc, states] of outcome.done) {
    const callers = byDoc.get(doc) ?? [];
    for (let i = 0; i < callers.length; i++) callers[i]?.resolve(states[i] as DocState);
  }
  if (target.journal.needsCompaction()) {
    try {
      await withMutex(lock, target.mutexOptions, () => {
        docBatchStats.locksTaken++;
        return target.journal.compact();
      });
    } catch {
      // Best effort: the journal stays as it is (complete and correct, only longer) and the next
      // flush tries again.
    }
  }
}

/**
 * A store of an earlier version locks each doc file on its own (`doc-<key>`). If such a lock file
 * is there when a flush starts (an older process mid-update, or one it left behind when killed),
 * the flush also takes it, waiting or breaking it exactly as the older store would. One readdir per
 * flush; nothing more when the folder holds no such file.
 */
async function withLegacyDocLocks<T>(
  target: DocBatchTarget,
  byDoc: ReadonlyMap<string, readonly Pending[]>,
  fn: () => Promise<T>,
): Promise<T> {
  const present = readdirSync(target.mutexDir);
  if (present.length <= 1) return fn(); // our own lock file only
  const held = new Set(present);
  const names: string[] = [];
  for (const doc of byDoc.keys()) {
    const name = target.legacyLockName(doc);
    if (held.has(name)) names.push(name);
  }
  names.sort();
  const take = (i: number): Promise<T> => {
    const name = names[i];
    if (name === undefined) return fn();
    return withMutex(join(target.mutexDir, name), target.mutexOptions, () => take(i + 1));
  };
  return take(0);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves after `ms`, or sooner when the batcher's queue fills up. */
function waitForCompany(b: Batcher, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      b.full = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    b.full = done;
  });
}

async function drain(key: string, b: Batcher): Promise<void> {
  b.flushing = true;
  for (;;) {
    // One turn of the event loop before each flush: callers woken by the previous flush (or calling
    // in the same tick as the first one) join this flush instead of waiting for the next.
    await nextTurn();
    if (b.queue.length === 0) break;
    const interval = b.target.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    const wait = (lastStarts.get(key) ?? Number.NEGATIVE_INFINITY) + interval - performance.now();
    if (wait > 0 && b.queue.length < FULL_BATCH && !b.hurry) {
      docBatchStats.waits++;
      await waitForCompany(b, wait);
    }
    lastStarts.set(key, performance.now());
    const batch = b.queue;
    b.queue = [];
    docBatchStats.flushes++;
    docBatchStats.updates += batch.length;
    try {
      await flush(b.target, batch);
    } catch (err) {
      // not expected (flush settles every caller itself), but never leave a caller hanging
      for (const p of batch) p.reject(err);
    }
  }
  b.flushing = false;
  batchers.delete(key);
}

/**
 * Queues `result` (in call order, at once) for the next flush, which appends its line to
 * `resultsFile` once `ready` (the run folder exists), then appends the doc's new state to the
 * journal; resolves with the doc's new state once both are durable.
 */
const keyOf = (target: DocBatchTarget): string => {
  const { staleMs, timeoutMs } = target.mutexOptions;
  return `${target.journal.file}\0${target.mutexDir}\0${staleMs}\0${timeoutMs}`;
};

/**
 * No more company is coming (the run's last docs are done): results queued for this folder are
 * flushed without waiting for others, until the queue is empty.
 */
export function flushSoon(target: DocBatchTarget): void {
  const b = batchers.get(keyOf(target));
  if (!b) return;
  b.hurry = true;
  b.full?.();
}

export function recordResult(
  target: DocBatchTarget,
  ready: Promise<void>,
  resultsFile: string,
  runId: string,
  result: DocResult,
): Promise<DocState> {
  const line = JSON.stringify(result);
  const key = keyOf(target);
  let b = batchers.get(key);
  if (!b) {
    b = { target, queue: [], flushing: false };
    batchers.set(key, b);
  }
  const batcher = b;
  return new Promise<DocState>((resolve, reject) => {
    batcher.queue.push({ ready, resultsFile, line, runId, result, resolve, reject });
    if (batcher.queue.length >= FULL_BATCH) batcher.full?.();
    if (!batcher.flushing) void drain(key, batcher);
  });
}
