// One file per doc, `DIR/docs/<key>.json`: the doc's current state, its latest results (compact
// history, newest first) and its per-day uptime counters. A status page of 2,000 docs reads 2,000
// small files, never a run's full results.
//
// Updates are group-committed, like the results lines (serial.ts): the results handed in while a
// commit is in flight wait for its end and are committed together by the next one. A commit waits
// until each result's line is durable (the history holds every result a doc state reflects; a result
// whose line failed is left out and its call rejected), then takes one cross-process lock file
// (`DIR/mutex/docs`), reads each doc's file, applies its results in call order, and writes the changed
// files with writeFilesAtomic: a temp file each, one parallel fsync round, the renames, one folder
// fsync. A reader sees each doc's previous or new record, never a torn one; an acknowledged update
// survives SIGKILL and a power cut; two processes (or two store instances) never interleave a
// read-modify-write of one doc, so neither loses the other's update. Per commit that is one lock
// file instead of one per result, and one fsync round instead of one wait per result.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { historyEntry, nextDocState, uptimeIncrement, utcDay } from '../../../engine/doc-state.js';
import type { DocResult } from '../../../engine/model.js';
import type { DocHistoryEntry, DocState, DocUptime } from '../../../engine/ports.js';
import { docHistoryEntrySchema, docStateSchema } from '../../state-schemas.js';
import { isNotFound, isTempName, writeFilesAtomic } from './files.js';
import { readItem } from './items.js';
import { type MutexOptions, withMutex } from './mutex.js';
import { keyToFileName } from './paths.js';

/** Results kept per doc (a status page shows 90). */
export const HISTORY_KEPT = 100;
/** Days of uptime counters kept per doc, counted back from the doc's latest result (a page shows 30). */
export const UPTIME_DAYS_KEPT = 40;

const dayCountsSchema = z.object({
  day: z.string(),
  runs: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  counted: z.number().int().nonnegative(),
});
const docRecordSchema = z.object({
  state: docStateSchema,
  history: z.array(docHistoryEntrySchema),
  uptime: z.array(dayCountsSchema),
});
export type DocRecord = z.infer<typeof docRecordSchema>;
/** A record read for its state alone: the history and uptime (most of the file) are not validated. */
const stateOnlySchema = z.object({ state: docStateSchema });

/** The record after `result`: the engine's next state, the entry in front, today's count bumped. */
export function applyResult(prev: DocRecord | undefined, runId: string, result: DocResult): DocRecord {
  const day = utcDay(result.startedAt);
  const add = uptimeIncrement(result);
  const uptime = [...(prev?.uptime ?? [])];
  const today = uptime.findIndex((u) => u.day === day);
  const counts = uptime[today] ?? { day, runs: 0, passed: 0, counted: 0 };
  const bumped = {
    day,
    runs: counts.runs + add.runs,
    passed: counts.passed + add.passed,
    counted: counts.counted + add.counted,
  };
  if (today >= 0) uptime[today] = bumped;
  else uptime.push(bumped);
  uptime.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const latest = uptime[uptime.length - 1]?.day ?? day;
  const oldest = new Date(Date.parse(`${latest}T00:00:00Z`) - UPTIME_DAYS_KEPT * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    state: nextDocState(prev?.state, runId, result),
    history: [historyEntry(runId, result), ...(prev?.history ?? [])].slice(0, HISTORY_KEPT),
    uptime: uptime.filter((u) => u.day > oldest),
  };
}

export interface DocRecords {
  /**
   * Applies each result to its doc's record, once its `stored` promise (the result's line in the run's
   * results) resolves: the history holds every result a doc state reflects. Each result's `resolve`
   * gets the doc's new state once the new record is durable; `reject` hears why not.
   */
  record(group: readonly PendingResult[]): void;
  get(doc: string): Promise<DocRecord | undefined>;
  /** Every doc's record (or those of `docs`), in no particular order. */
  list(docs?: readonly string[]): Promise<DocRecord[]>;
  /** Every doc's state (a listing of 2,000 docs validates 2,000 states, not 200,000 history entries). */
  listStates(): Promise<DocState[]>;
  /** The states of docs not in `docs`: read only those files (a full run's listing holds most docs). */
  listOtherStates(docs: readonly string[]): Promise<DocState[]>;
  /** Marks the doc's state removed, unless it is removed already or has no record; true if it did. */
  markRemoved(doc: string, runId: string, at: string): Promise<boolean>;
}

/** One result waiting for its doc's record. */
export interface PendingResult {
  readonly runId: string;
  readonly result: DocResult;
  readonly stored: Promise<void>;
  readonly resolve: (state: DocState) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * `ready` creates the store's folders (`docs` and the mutex folder among them); every batch awaits
 * it before taking its lock file.
 */
export function createDocRecords(
  root: string,
  mutexDir: string,
  mutexOptions: MutexOptions,
  ready: () => Promise<void>,
): DocRecords {
  const folder = join(root, 'docs');
  const fileOf = (doc: string) => join(folder, `${keyToFileName(doc)}.json`);
  const lock = join(mutexDir, 'docs');
  let queue: PendingResult[] = [];
  let writing = false;

  const read = (file: string) => readItem(file, docRecordSchema);
  const readAll = async (files: readonly string[]): Promise<DocRecord[]> =>
    (await Promise.all(files.map(read))).filter((r): r is DocRecord => r !== undefined);
  const readStates = async (files: readonly string[]): Promise<DocState[]> =>
    (await Promise.all(files.map((f) => readItem(f, stateOnlySchema))))
      .filter((r) => r !== undefined)
      .map((r) => r.state);
  /** Every doc record's file. */
  const recordFiles = async (): Promise<string[]> => {
    const names = await readdir(folder).catch((err: unknown) => {
      if (isNotFound(err)) return [] as string[];
      throw err;
    });
    return names.filter((n) => n.endsWith('.json') && !isTempName(n)).map((n) => join(folder, n));
  };

  /**
   * One group commit: the results whose lines are stored, applied in call order under one lock file,
   * every changed doc file written with writeFilesAtomic (one fsync round, one folder fsync).
   */
  async function commit(batch: PendingResult[]): Promise<void> {
    const lines = await Promise.allSettled(batch.map((p) => p.stored));
    const ok: PendingResult[] = [];
    batch.forEach((p, i) => {
      const line = lines[i] as PromiseSettledResult<void>;
      if (line.status === 'rejected') p.reject(line.reason);
      else ok.push(p);
    });
    if (ok.length === 0) return;
    const byDoc = new Map<string, PendingResult[]>();
    for (const p of ok) byDoc.set(p.result.doc, [...(byDoc.get(p.result.doc) ?? []), p]);
    const done: [PendingResult, DocState][] = [];
    try {
      await ready();
      await withMutex(lock, mutexOptions, async () => {
        const writes: { file: string; text: string }[] = [];
        await Promise.all(
          [...byDoc].map(async ([doc, entries]) => {
            const file = fileOf(doc);
            let record: DocRecord | undefined;
            try {
              record = await read(file);
            } catch (err) {
              // a doc file that is not a doc record fails that doc's calls only
              for (const p of entries) p.reject(err);
              return;
            }
            for (const p of entries) {
              record = applyResult(record, p.runId, p.result);
              done.push([p, record.state]);
            }
            writes.push({ file, text: JSON.stringify(record) });
          }),
        );
        if (writes.length > 0) await writeFilesAtomic(folder, writes);
      });
    } catch (err) {
      // nothing of this batch was written (or not all of it is known to be): every call hears of it
      for (const p of ok) p.reject(err);
      return;
    }
    for (const [p, state] of done) p.resolve(state);
  }

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await commit(batch);
    }
    writing = false;
  }

  return {
    record(group) {
      // A group handed in while a commit is in flight joins the next one.
      for (const p of group) p.stored.catch(() => {}); // each caller hears of it through `reject`
      queue.push(...group);
      if (!writing) void drain();
    },

    get: (doc) => read(fileOf(doc)),

    async markRemoved(doc, runId, at) {
      // Under the same lock file as the group commits, so it never interleaves with one.
      const file = fileOf(doc);
      await ready();
      return withMutex(lock, mutexOptions, async () => {
        const prev = await read(file);
        if (!prev || prev.state.removed) return false;
        const text = JSON.stringify({ ...prev, state: { ...prev.state, removed: { runId, at } } });
        await writeFilesAtomic(folder, [{ file, text }]);
        return true;
      });
    },

    async list(docs) {
      return readAll(docs ? docs.map(fileOf) : await recordFiles());
    },

    listStates: async () => readStates(await recordFiles()),

    async listOtherStates(docs) {
      const known = new Set(docs.map(fileOf));
      return readStates((await recordFiles()).filter((f) => !known.has(f)));
    },
  };
}

/** The history of each listed record, newest first, at most `limit` entries. */
export function historyOf(records: readonly DocRecord[], limit: number): Map<string, DocHistoryEntry[]> {
  const out = new Map<string, DocHistoryEntry[]>();
  for (const r of records) out.set(r.state.doc, r.history.slice(0, Math.max(0, limit)));
  return out;
}

/** Uptime rows of the listed records from `sinceDay` on. */
export function uptimeOf(records: readonly DocRecord[], sinceDay: string): DocUptime[] {
  return records.flatMap((r) =>
    r.uptime.filter((u) => u.day >= sinceDay).map((u) => ({ doc: r.state.doc, ...u })),
  );
}
