// The local StateStore (`--state DIR`): plain files under DIR.
//
//   DIR/runs/<runKey>/run.json        the run record (summary once finished)
//   DIR/runs/<runKey>/results.jsonl   one DocResult per line, appended as each doc completes
//   DIR/docs/<docKey>.json            a doc's state, latest results and daily uptime (state/doc-records.ts)
//   DIR/businesses/<idKey>.json       business condition (conditional on `version`)
//   DIR/health/<kind>/<keyKey>.json   incidents, conditions, mutes (conditional on `version`)
//   DIR/locks/<nameKey>.json          lease locks
//   DIR/mutex/<kind>-<key>, docs      short-lived cross-process lock files around read-modify-write
//
// Keys become file names with state/paths.ts. Two processes may share DIR: every read-modify-write
// runs under a lock file; every JSON file is replaced atomically (temp file + fsync + rename), and
// results lines are appended and fsynced. So every promise keeps the port's durability rule: what it
// acknowledged is on disk. recordDocResult calls are gathered into groups (state/gather.ts): a group's
// lines are appended to each run's results with one fsync (state/serial.ts), and then its docs' records
// are updated in one commit (state/doc-records.ts: one lock file, one fsync round), so the history
// holds every result a doc state reflects. Business, health and lease items: state/versioned-items.ts.

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocResult, Summary } from '../../engine/model.js';
import { byText } from '../../engine/order.js';
import type { DocState, DocStateFilter, RunRecord, StateStore } from '../../engine/ports.js';
import { createInFlight } from '../in-flight.js';
import { docResultSchema, runRecordSchema } from '../state-schemas.js';
import { createDocRecords, historyOf, type PendingResult, uptimeOf } from './state/doc-records.js';
import { isTempName, parseJsonLines, readTextIfExists } from './state/files.js';
import { createGatherer } from './state/gather.js';
import { readItem, StateFileError, writeItem } from './state/items.js';
import { type MutexOptions, withMutex } from './state/mutex.js';
import { keyToFileName } from './state/paths.js';
import { appendLinesDurably } from './state/serial.js';
import { createVersionedItems, type Locked } from './state/versioned-items.js';

/**
 * Results gathered into one commit (state/gather.ts): once this many wait, or GROUP_WAIT_MS after the
 * first of them, or at flush(). A commit costs a durable append per run, a lock file, a temp file per
 * doc and a folder fsync; a run's recorder holds up to 16 results unacknowledged (engine/run/record.ts)
 * and flushes the store when it drains, so gathering delays no result past the end of its run.
 */
export const GROUP_SIZE = 8;
export const GROUP_WAIT_MS = 15;

/** A result waiting for its group: its doc record's entry, less the line's append it is waiting for. */
type Gathered = Omit<PendingResult, 'stored'> & { readonly line: string };

export interface LocalStateStoreOptions {
  readonly dir: string;
  /** Mutex timing; the defaults suit a local disk. @default - stale after 10 s, give up after 30 s */
  readonly mutex?: Partial<MutexOptions>;
}

export function createLocalStateStore(options: LocalStateStoreOptions): StateStore {
  const root = options.dir;
  const mutexOptions: MutexOptions = { staleMs: 10_000, timeoutMs: 30_000, ...options.mutex };
  const folders = {
    runs: join(root, 'runs'),
    docs: join(root, 'docs'),
    businesses: join(root, 'businesses'),
    health: join(root, 'health'),
    locks: join(root, 'locks'),
    mutex: join(root, 'mutex'),
  };
  let ready: Promise<void> | undefined;
  const ensureFolders = () => {
    ready ??= Promise.all(Object.values(folders).map((d) => mkdir(d, { recursive: true }))).then(() => {});
    return ready;
  };

  const runDir = (runId: string) => join(folders.runs, keyToFileName(runId));
  const runFile = (runId: string) => join(runDir(runId), 'run.json');
  const resultsFile = (runId: string) => join(runDir(runId), 'results.jsonl');

  const runDirsMade = new Map<string, Promise<unknown>>();
  const ensureRunDir = async (runId: string): Promise<void> => {
    await ensureFolders();
    let made = runDirsMade.get(runId);
    if (!made) {
      made = mkdir(runDir(runId), { recursive: true });
      runDirsMade.set(runId, made);
      made.catch(() => runDirsMade.delete(runId));
    }
    await made;
  };

  const locked: Locked = async <T>(kind: string, key: string, fn: () => Promise<T>): Promise<T> => {
    await ensureFolders();
    return withMutex(join(folders.mutex, `${kind}-${keyToFileName(key)}`), mutexOptions, fn);
  };

  const docs = createDocRecords(root, folders.mutex, mutexOptions, ensureFolders);
  const inFlight = createInFlight();
  const track = inFlight.track;

  /** Commits a group: each run's lines in one durable append, then the docs' records (state/doc-records.ts). */
  const gatherer = createGatherer<Gathered>(GROUP_SIZE, GROUP_WAIT_MS, (group) => {
    const lines = new Map<string, string[]>();
    for (const g of group) lines.set(g.runId, [...(lines.get(g.runId) ?? []), g.line]);
    const stored = new Map(
      [...lines].map(([runId, l]) => [
        runId,
        ensureRunDir(runId).then(() => appendLinesDurably(resultsFile(runId), l)),
      ]),
    );
    docs.record(group.map((g) => ({ ...g, stored: stored.get(g.runId) as Promise<void> })));
  });

  async function readResults(runId: string): Promise<DocResult[]> {
    const text = await readTextIfExists(resultsFile(runId));
    if (text === undefined) return [];
    const out: DocResult[] = [];
    for (const raw of parseJsonLines(text)) {
      const parsed = docResultSchema.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  return {
    async startRun(run) {
      await ensureRunDir(run.runId);
      await locked('run', run.runId, () => writeItem(runFile(run.runId), run));
    },

    recordDocResult(runId, result) {
      const line = JSON.stringify(result);
      return track(
        new Promise<DocState>((resolve, reject) => {
          gatherer.add({ runId, result, line, resolve, reject });
        }),
      );
    },

    async finishRun(runId, finishedAt, summary: Summary, status = 'finished') {
      await locked('run', runId, async () => {
        const run = await readItem(runFile(runId), runRecordSchema);
        if (!run)
          throw new StateFileError(`finishRun: run ${runId} was never started (no ${runFile(runId)})`);
        await writeItem(runFile(runId), { ...run, finishedAt, summary, status });
      });
    },

    getRun: (runId) => readItem(runFile(runId), runRecordSchema),

    getRunResults: (runId) => readResults(runId),

    async listRunResults(runId, limit, cursor) {
      // The cursor is the count of results already listed: results are appended, never reordered.
      const from = cursor === undefined ? 0 : Number.parseInt(cursor, 10);
      if (!Number.isSafeInteger(from) || from < 0 || (cursor !== undefined && String(from) !== cursor))
        throw new StateFileError(`listRunResults: "${cursor}" is not a cursor of this store`);
      const all = await readResults(runId);
      const results = all.slice(from, from + Math.max(1, limit));
      const next = from + results.length;
      return { results, ...(next < all.length && { cursor: String(next) }) };
    },

    async listRuns(limit, before) {
      await ensureFolders();
      const runs: RunRecord[] = [];
      for (const name of await readdir(folders.runs)) {
        if (isTempName(name)) continue;
        const run = await readItem(join(folders.runs, name, 'run.json'), runRecordSchema);
        if (run) runs.push(run);
      }
      runs.sort((a, b) => byText(b.startedAt, a.startedAt) || byText(b.runId, a.runId));
      const older = before
        ? runs.filter((r) => `${r.startedAt}#${r.runId}` < `${before.startedAt}#${before.runId}`)
        : runs;
      return older.slice(0, Math.max(0, limit));
    },

    async getDocState(doc) {
      return (await docs.get(doc))?.state;
    },

    async listDocStates(filter?: DocStateFilter) {
      return (await docs.listStates())
        .filter((s) => filter?.domain === undefined || s.domain === filter.domain)
        .filter((s) => filter?.outcome === undefined || s.outcome === filter.outcome)
        .filter((s) => filter?.includeRemoved === true || s.removed === undefined)
        .sort((a, b) => byText(a.doc, b.doc));
    },

    async markRemovedDocs(present, runId, at) {
      const marked: string[] = [];
      for (const state of await docs.listOtherStates(present)) {
        if (state.removed) continue;
        if (await docs.markRemoved(state.doc, runId, at)) marked.push(state.doc);
      }
      return marked.sort(byText);
    },

    async listDocHistory(limit, only) {
      return historyOf(await docs.list(only), limit);
    },

    async listDocUptime(sinceDay, only) {
      return uptimeOf(await docs.list(only), sinceDay);
    },

    ...createVersionedItems(folders, locked),

    async flush() {
      gatherer.flush();
      await inFlight.settled();
    },
  };
}
