// Group commit of doc-state updates for the local state store (see the header of state-store.ts for
// the guarantees and why the work is done this way).
//
// Results are queued in call order at call time; those handed in while a flush is in flight wait for
// the next flush, which starts one event-loop turn after the previous one ends (so callers it woke
// can join). A flush first appends every queued result line durably (one write + fsync per results
// file), then takes ONE cross-process lock file for the whole docs folder, and inside it, for each
// doc of the batch: reads its file, applies every queued result for that doc in call order, writes a
// temp file. Then it fsyncs every temp file at once (in parallel, off the event loop), renames each
// over its target, fsyncs the docs folder once, releases the lock, and settles each caller with its
// own DocState. A failure that concerns one result line or one doc (its file is garbage, is a
// folder, cannot be replaced) rejects those callers only; one that concerns the whole flush (the
// lock, the folder) rejects every caller in the batch. Either way the next flush starts clean.
//
// Temp files are never recycled (no spare inode is overwritten in place): a reader in another
// process that opened a doc file just before its rename must still read that file's whole content.
//
// The small page-cache operations (read, open, write, close, rename, unlink) are synchronous: each
// costs microseconds of system time, where the promise version costs a threadpool round trip, a
// promise and two context switches, which is what the store's CPU went to. Every fsync (a real wait
// on the disk) stays asynchronous, so the event loop never blocks on a disk flush.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DocResult } from '../../../engine/model.js';
import type { DocState } from '../../../engine/ports.js';
import { fsyncFd, isNotFound, TMP_SUFFIX } from './fs-atomic.js';
import { type MutexOptions, withMutex } from './mutex.js';
import { nextDocState } from './next-doc-state.js';
import { appendLinesDurably } from './serial.js';

/** Name of the lock file (under the store's mutex folder) that every doc-state flush holds. */
export const DOCS_BATCH_LOCK = 'docs-batch';

export interface DocBatchTarget {
  /** The docs folder (absolute or as the store was given it; one batcher per folder and lock). */
  readonly docsDir: string;
  /** The store's mutex folder; the flush holds `<mutexDir>/docs-batch`. */
  readonly mutexDir: string;
  readonly mutexOptions: MutexOptions;
  /** Name of a doc's per-doc lock file in older stores (`doc-<key>`), honoured when one is held. */
  readonly legacyLockName: (doc: string) => string;
  /** Parses a doc state file's text, throwing a StateFileError on anything the store did not write. */
  readonly parse: (file: string, text: string) => DocState;
}

interface Pending {
  /** Settles once the run's folder exists (queued at call time, so the queue keeps call order). */
  readonly ready: Promise<void>;
  /** The run's results file and the result's line, appended (durably) before the doc state moves. */
  readonly resultsFile: string;
  readonly line: string;
  readonly file: string;
  readonly runId: string;
  readonly result: DocResult;
  readonly resolve: (state: DocState) => void;
  readonly reject: (err: unknown) => void;
}

interface Batcher {
  readonly target: DocBatchTarget;
  queue: Pending[];
  flushing: boolean;
}

/** Process-wide counters, for tests and benchmarks: flushes run and lock files taken by them. */
export const docBatchStats = { flushes: 0, locksTaken: 0, updates: 0 };

const batchers = new Map<string, Batcher>();

// Temp names: pid + a per-process random tag + a counter is as unique as fresh random bytes per file.
const tmpTag = `${process.pid}.${randomBytes(4).toString('hex')}`;
let tmpCount = 0;
const tmpFor = (file: string) =>
  join(dirname(file), `.${basename(file)}.${tmpTag}${(tmpCount++).toString(36)}${TMP_SUFFIX}`);

const closeQuietly = (fd: number) => {
  try {
    closeSync(fd);
  } catch {
    // already failed: the caller reports the first error
  }
};
const unlinkQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // gone already, or the folder went away: nothing left to clean
  }
};

/** fsync of the folder makes the renames durable; best effort where the platform refuses it. */
async function syncDir(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    await fsyncFd(fd);
  } catch {
    // Directory fsync is unsupported on some file systems (and on Windows): best effort.
  } finally {
    closeQuietly(fd);
  }
}

function readTextSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

interface Prepared {
  readonly file: string;
  readonly tmp: string;
  readonly fd: number;
  readonly callers: readonly Pending[];
  readonly states: readonly DocState[];
  error?: unknown;
}

interface Failure {
  readonly callers: readonly Pending[];
  readonly error: unknown;
}

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

/** Reads, updates and writes (to a temp file, not yet synced) one doc's state. */
function prepare(target: DocBatchTarget, file: string, callers: readonly Pending[]): Prepared {
  const text = readTextSync(file);
  let state = text === undefined ? undefined : target.parse(file, text);
  const states: DocState[] = [];
  for (const p of callers) {
    state = nextDocState(state, p.runId, p.result);
    states.push(state);
  }
  const tmp = tmpFor(file);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
  } catch (err) {
    closeQuietly(fd);
    unlinkQuietly(tmp);
    throw err;
  }
  return { file, tmp, fd, callers, states };
}

/**
 * Step 2, under the docs lock: every doc's temp file written, all fsynced at once, each renamed over
 * its doc file, the folder fsynced once. Returns what is durable and what failed (per doc).
 */
async function writeDocStates(
  target: DocBatchTarget,
  byFile: ReadonlyMap<string, readonly Pending[]>,
): Promise<{ done: Prepared[]; failed: Failure[] }> {
  const prepared: Prepared[] = [];
  const failed: Failure[] = [];
  for (const [file, callers] of byFile) {
    try {
      prepared.push(prepare(target, file, callers));
    } catch (error) {
      failed.push({ callers, error });
    }
  }
  await Promise.all(
    prepared.map((p) =>
      fsyncFd(p.fd).catch((err: unknown) => {
        p.error = err;
      }),
    ),
  );
  const done: Prepared[] = [];
  for (const p of prepared) {
    try {
      closeSync(p.fd);
    } catch (err) {
      p.error ??= err;
    }
    if (p.error === undefined) {
      try {
        renameSync(p.tmp, p.file);
      } catch (err) {
        p.error = err;
      }
    }
    if (p.error === undefined) done.push(p);
    else {
      unlinkQuietly(p.tmp);
      failed.push({ callers: p.callers, error: p.error });
    }
  }
  if (done.length > 0) await syncDir(target.docsDir);
  return { done, failed };
}

async function flush(target: DocBatchTarget, queued: readonly Pending[]): Promise<void> {
  const batch = await appendResults(queued);
  if (batch.length === 0) return;
  const byFile = groupBy(batch, (p) => p.file);
  let outcome: { done: Prepared[]; failed: Failure[] };
  try {
    outcome = await withMutex(join(target.mutexDir, DOCS_BATCH_LOCK), target.mutexOptions, () => {
      docBatchStats.locksTaken++;
      return withLegacyDocLocks(target, byFile, () => writeDocStates(target, byFile));
    });
  } catch (err) {
    // The lock (or the folder) failed: nobody in this batch is acknowledged.
    for (const p of batch) p.reject(err);
    return;
  }
  for (const { callers, error } of outcome.failed) for (const p of callers) p.reject(error);
  for (const { callers, states } of outcome.done) {
    for (let i = 0; i < callers.length; i++) callers[i]?.resolve(states[i] as DocState);
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
  byFile: ReadonlyMap<string, readonly Pending[]>,
  fn: () => Promise<T>,
): Promise<T> {
  const present = readdirSync(target.mutexDir);
  if (present.length <= 1) return fn(); // our own lock file only
  const held = new Set(present);
  const names: string[] = [];
  for (const callers of byFile.values()) {
    const name = target.legacyLockName((callers[0] as Pending).result.doc);
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

async function drain(key: string, b: Batcher): Promise<void> {
  b.flushing = true;
  for (;;) {
    // One turn of the event loop before each flush: callers woken by the previous flush (or calling
    // in the same tick as the first one) join this flush instead of waiting for the next.
    await nextTurn();
    if (b.queue.length === 0) break;
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
 * `resultsFile` once `ready` (the run folder exists), then updates the doc state in `file`; resolves
 * with the doc's new state once both are durable.
 */
export function recordResult(
  target: DocBatchTarget,
  ready: Promise<void>,
  resultsFile: string,
  file: string,
  runId: string,
  result: DocResult,
): Promise<DocState> {
  const line = JSON.stringify(result);
  const { staleMs, timeoutMs } = target.mutexOptions;
  const key = `${target.docsDir}\0${target.mutexDir}\0${staleMs}\0${timeoutMs}`;
  let b = batchers.get(key);
  if (!b) {
    b = { target, queue: [], flushing: false };
    batchers.set(key, b);
  }
  const batcher = b;
  return new Promise<DocState>((resolve, reject) => {
    batcher.queue.push({ ready, resultsFile, line, file, runId, result, resolve, reject });
    if (!batcher.flushing) void drain(key, batcher);
  });
}
