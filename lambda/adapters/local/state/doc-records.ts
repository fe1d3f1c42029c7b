// One file per doc, `DIR/docs/<key>.json`: the doc's current state, its latest results (compact
// history, newest first) and its per-day uptime counters. A status page of 2,000 docs reads 2,000
// small files, never a run's full results.
//
// An update is a read-modify-write of that one file under a cross-process lock file
// (`DIR/mutex/doc-<key>`), queued in this process per doc so calls for one doc apply in call order,
// and written as a temp file + fsync + rename: a reader sees the previous or the new record, never a
// torn one, and an acknowledged update survives SIGKILL and a power cut.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { historyEntry, nextDocState, uptimeIncrement, utcDay } from '../../../engine/doc-state.js';
import type { DocResult } from '../../../engine/model.js';
import type { DocHistoryEntry, DocState, DocUptime } from '../../../engine/ports.js';
import { docHistoryEntrySchema, docStateSchema } from '../../state-schemas.js';
import { isTempName, readTextIfExists, writeFileAtomic } from './files.js';
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

/** A doc file that exists but does not hold a doc record. */
export class DocRecordError extends Error {
  override readonly name = 'DocRecordError';
}

function parseRecord(file: string, text: string): DocRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DocRecordError(`${file}: not valid JSON; remove or repair the file`, { cause: err });
  }
  const parsed = docRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DocRecordError(`${file}: unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

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
   * Applies `result` to its doc's record. The new record is written (temp file + fsync) while
   * `stored` (the result's line in the run's results) is still being appended, and replaces the old
   * one only once it is: the history holds every result a doc state reflects.
   */
  record(runId: string, result: DocResult, stored: Promise<void>): Promise<DocState>;
  get(doc: string): Promise<DocRecord | undefined>;
  /** Every doc's record (or those of `docs`), in no particular order. */
  list(docs?: readonly string[]): Promise<DocRecord[]>;
  /** Marks the doc's state removed, unless it is removed already or has no record; true if it did. */
  markRemoved(doc: string, runId: string, at: string): Promise<boolean>;
}

export function createDocRecords(root: string, mutexDir: string, mutexOptions: MutexOptions): DocRecords {
  const folder = join(root, 'docs');
  const fileOf = (doc: string) => join(folder, `${keyToFileName(doc)}.json`);
  let made: Promise<unknown> | undefined;
  const queues = new Map<string, Promise<unknown>>();

  async function read(file: string): Promise<DocRecord | undefined> {
    const text = await readTextIfExists(file);
    return text === undefined ? undefined : parseRecord(file, text);
  }

  async function update(runId: string, result: DocResult, stored: Promise<void>): Promise<DocState> {
    made ??= mkdir(folder, { recursive: true });
    await made;
    const file = fileOf(result.doc);
    const lock = join(mutexDir, `doc-${keyToFileName(result.doc)}`);
    return withMutex(lock, mutexOptions, async () => {
      const next = applyResult(await read(file), runId, result);
      await writeFileAtomic(file, JSON.stringify(next), stored);
      return next.state;
    });
  }

  return {
    record(runId, result, stored) {
      stored.catch(() => {}); // the caller hears of it through `done`
      // One doc's updates one after another in this process (the lock file orders processes).
      const previous = queues.get(result.doc) ?? Promise.resolve();
      const done = previous.then(
        () => update(runId, result, stored),
        () => update(runId, result, stored),
      );
      const tail = done.catch(() => {});
      queues.set(result.doc, tail);
      void tail.then(() => {
        if (queues.get(result.doc) === tail) queues.delete(result.doc);
      });
      return done;
    },

    get: (doc) => read(fileOf(doc)),

    async markRemoved(doc, runId, at) {
      const file = fileOf(doc);
      const lock = join(mutexDir, `doc-${keyToFileName(doc)}`);
      const previous = queues.get(doc) ?? Promise.resolve();
      await previous.catch(() => {});
      return withMutex(lock, mutexOptions, async () => {
        const prev = await read(file);
        if (!prev || prev.state.removed) return false;
        await writeFileAtomic(
          file,
          JSON.stringify({ ...prev, state: { ...prev.state, removed: { runId, at } } }),
        );
        return true;
      });
    },

    async list(docs) {
      let files: string[];
      if (docs) files = docs.map(fileOf);
      else {
        const names = await readdir(folder).catch((err: unknown) => {
          if ((err as { code?: unknown }).code === 'ENOENT') return [] as string[];
          throw err;
        });
        files = names.filter((n) => n.endsWith('.json') && !isTempName(n)).map((n) => join(folder, n));
      }
      const records = await Promise.all(files.map(read));
      return records.filter((r): r is DocRecord => r !== undefined);
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
