// The local StateStore (`--state DIR`): files under DIR.
//
//   DIR/docs.jsonl                   doc states: an append-only journal, one DocState per line; for a
//                                    doc, the last valid line wins (state/doc-journal.ts)
//   DIR/runs/<runId>/run.json        the run record (summary once finished)
//   DIR/runs/<runId>/results.jsonl   one DocResult per line, appended as each doc completes
//   DIR/businesses/<id>.json         business condition (conditional on `version`)
//   DIR/locks/<name>.json            lease locks
//   DIR/mutex/<kind>-<key>           short-lived cross-process lock files around read-modify-write
//   DIR/docs/<doc>.json              (read only) doc states written by earlier versions of the store
//
// Two processes may share DIR: every read-modify-write of a shared item (doc states, business,
// lease, run record) runs under a cross-process lock file; a JSON item is written as a temp file +
// fsync + rename, so readers see the previous or the new file, never a torn one; a journal line is
// used only once complete.
//
// recordDocResult is the hot path (once per doc, ten or more in flight), so it is built to be cheap
// without giving up a guarantee. It resolves only once (a) its result line is durably appended to
// runs/<runId>/results.jsonl and (b) a line holding the doc's new state is durably appended to
// docs.jsonl (fsynced): a reader in another process (`verifier status` during a run, or after a
// crash) sees every acknowledged result at once, with no recovery step, and a SIGKILL or a power
// cut loses nothing that was acknowledged. Calls are group-committed (state/doc-batch.ts): each call
// is queued at once (so one doc's results apply in call order, whatever their run), calls made
// while a flush is in flight go into the next flush (under load a flush starts at most every 20 ms,
// and flushSoon() ends that wait when the run's last doc is done), and each call settles with the
// flush that holds it. A flush appends every queued result line (one write + fsync per results file; the run id
// belongs to the process that started it, so no cross-process lock), then, under ONE cross-process
// lock (mutex/docs-batch), brings this instance's in-memory index of the journal up to date (it
// reads only the bytes other processes appended since it last looked, or the whole file when it was
// replaced by a compaction), computes each doc's next states in call order, and appends one line per
// doc in ONE write + ONE fsync. The result lines are durable before any doc state moves, so the
// history always holds every result a doc state reflects.
//
// Why a journal: the previous layout (one docs/<doc>.json per doc, each update a temp file + fsync +
// rename + folder fsync) made the kernel allocate an inode per doc per run, hundreds of ms of CPU per
// 350-doc run on ext4 (cheap on tmpfs). A flush now creates no file at all; the journal is
// compacted (one line per doc, temp file + rename) once it holds more than max(1000, 3 x docs)
// lines, i.e. every few runs. scripts/state-bench.ts measures this path.
//
// Reads (getDocState, listDocStates) refresh the same index without the lock. A line torn by a
// crash, or one that is not a valid DocState, is skipped: the doc keeps its last valid line, and no
// other doc is affected (the journal is a cache of the history; one bad line must not hide the
// rest). A folder written by an earlier version has docs/<doc>.json files: they are read (never
// written) for docs the journal has no line for yet, by readers and by the writer (the previous
// state); a doc's first new state goes to the journal and wins from then on. A garbled legacy file
// counts as no state. An older version of the store must not write to DIR at the same time as this
// one (it would not see the journal); its per-doc lock files are still honoured.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import type { BusinessState, DocResult, Summary } from '../../engine/model.js';
import { byText } from '../../engine/order.js';
import type { DocStateFilter, RunRecord, StateStore } from '../../engine/ports.js';
import { type DocBatchTarget, flushSoon, recordResult } from './state/doc-batch.js';
import { DocJournal } from './state/doc-journal.js';
import {
  isNotFound,
  isTempName,
  parseJsonLines,
  readTextIfExists,
  writeFileAtomic,
} from './state/fs-atomic.js';
import { type MutexOptions, withMutex } from './state/mutex.js';
import { keyToFileName } from './state/paths.js';
import {
  businessStateSchema,
  docResultSchema,
  type Lease,
  leaseSchema,
  runRecordSchema,
} from './state/schemas.js';

export interface LocalStateStoreOptions {
  readonly dir: string;
  /** Mutex timing; the defaults suit a local disk. @default - stale after 10 s, give up after 30 s */
  readonly mutex?: Partial<MutexOptions>;
  /**
   * Under load, a write of doc states starts at most this often, so results arriving meanwhile share
   * it (see doc-batch.ts). @default 20
   */
  readonly flushIntervalMs?: number;
}

/** A state file that exists but does not hold what the store wrote there. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export function createLocalStateStore(options: LocalStateStoreOptions): StateStore {
  const root = options.dir;
  const mutexOptions: MutexOptions = { staleMs: 10_000, timeoutMs: 30_000, ...options.mutex };
  const folders = {
    runs: join(root, 'runs'),
    businesses: join(root, 'businesses'),
    locks: join(root, 'locks'),
    mutex: join(root, 'mutex'),
  };
  let ready: Promise<void> | undefined;
  const ensureFolders = () => {
    ready ??= Promise.all(Object.values(folders).map((d) => mkdir(d, { recursive: true }))).then(() => {});
    return ready;
  };

  // Every result of a run goes to its folder, whose name (a hash, for most run ids) is worked out once.
  let lastRun: { readonly id: string; readonly dir: string } | undefined;
  const runDir = (runId: string) => {
    if (lastRun?.id !== runId) lastRun = { id: runId, dir: join(folders.runs, keyToFileName(runId)) };
    return lastRun.dir;
  };
  const runFile = (runId: string) => join(runDir(runId), 'run.json');
  const resultsFile = (runId: string) => join(runDir(runId), 'results.jsonl');
  const businessFile = (id: string) => join(folders.businesses, `${keyToFileName(id)}.json`);
  const leaseFile = (name: string) => join(folders.locks, `${keyToFileName(name)}.json`);

  const runDirsMade = new Map<string, Promise<void>>();
  const ensureRunDir = (runId: string): Promise<void> => {
    let made = runDirsMade.get(runId);
    if (!made) {
      made = ensureFolders().then(() => mkdir(runDir(runId), { recursive: true }).then(() => {}));
      runDirsMade.set(runId, made);
      made.catch(() => runDirsMade.delete(runId));
    }
    return made;
  };

  const locked = async <T>(kind: string, key: string, fn: () => Promise<T>): Promise<T> => {
    await ensureFolders();
    return withMutex(join(folders.mutex, `${kind}-${keyToFileName(key)}`), mutexOptions, fn);
  };

  async function readItem<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const text = await readTextIfExists(file);
    return text === undefined ? undefined : parseItem(file, text, schema);
  }

  function parseItem<T>(file: string, text: string, schema: z.ZodType<T>): T {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new StateFileError(`${file}: not valid JSON; remove or repair the file`, { cause: err });
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new StateFileError(
        `${file}: unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    }
    return parsed.data;
  }

  const journal = new DocJournal(root);
  const docBatch: DocBatchTarget = {
    journal,
    mutexDir: folders.mutex,
    mutexOptions,
    legacyLockName: (doc) => `doc-${keyToFileName(doc)}`,
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
  };

  const writeItem = (file: string, value: unknown) =>
    writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);

  async function listItems<T>(folder: string, schema: z.ZodType<T>): Promise<T[]> {
    await ensureFolders();
    const names = (await readdir(folder)).filter((n) => n.endsWith('.json') && !isTempName(n)).sort();
    const items = await Promise.all(names.map((n) => readItem(join(folder, n), schema)));
    return items.filter((x): x is Awaited<T> => x !== undefined) as T[];
  }

  return {
    async startRun(run) {
      await ensureRunDir(run.runId);
      await locked('run', run.runId, () => writeItem(runFile(run.runId), run));
    },

    async recordDocResult(runId, result) {
      return recordResult(docBatch, ensureRunDir(runId), resultsFile(runId), runId, result);
    },

    flushSoon() {
      flushSoon(docBatch);
    },

    async finishRun(runId, finishedAt, summary: Summary, status = 'finished') {
      await locked('run', runId, async () => {
        const run = await readItem(runFile(runId), runRecordSchema);
        if (!run)
          throw new StateFileError(`finishRun: run ${runId} was never started (no ${runFile(runId)})`);
        await writeItem(runFile(runId), { ...run, finishedAt, summary, status });
      });
    },

    async getRun(runId) {
      return readItem(runFile(runId), runRecordSchema);
    },

    async getRunResults(runId) {
      const text = await readTextIfExists(resultsFile(runId));
      if (text === undefined) return [];
      const out: DocResult[] = [];
      for (const raw of parseJsonLines(text)) {
        const parsed = docResultSchema.safeParse(raw);
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    },

    async listRuns(limit) {
      await ensureFolders();
      const ids = await readdir(folders.runs);
      const runs: RunRecord[] = [];
      for (const id of ids) {
        if (isTempName(id)) continue;
        try {
          const run = await readItem(join(folders.runs, id, 'run.json'), runRecordSchema);
          if (run) runs.push(run);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      runs.sort((a, b) => byText(b.startedAt, a.startedAt) || byText(b.runId, a.runId));
      return runs.slice(0, Math.max(0, limit));
    },

    async getDocState(doc) {
      journal.refresh();
      return journal.get(doc);
    },

    async listDocStates(filter?: DocStateFilter) {
      journal.refresh();
      return journal
        .list()
        .filter((s) => filter?.domain === undefined || s.domain === filter.domain)
        .filter((s) => filter?.outcome === undefined || s.outcome === filter.outcome)
        .sort((a, b) => byText(a.doc, b.doc));
    },

    async getBusiness(businessId) {
      return readItem(businessFile(businessId), businessStateSchema);
    },

    async putBusiness(next: BusinessState, expectedVersion) {
      return locked('business', next.businessId, async () => {
        const current = await readItem(businessFile(next.businessId), businessStateSchema);
        const currentVersion = current?.version ?? 0;
        if (expectedVersion === 0 ? current !== undefined : currentVersion !== expectedVersion) return false;
        await writeItem(businessFile(next.businessId), next);
        return true;
      });
    },

    async listBusinesses() {
      const all = await listItems(folders.businesses, businessStateSchema);
      return all.sort((a, b) => byText(a.businessId, b.businessId));
    },

    async acquireLock(name, owner, leaseMs, now) {
      return locked('lease', name, async () => {
        const lease = await readItem(leaseFile(name), leaseSchema);
        const free = !lease || lease.owner === owner || lease.expiresAt <= now.getTime();
        if (!free) return false;
        const next: Lease = {
          name,
          owner,
          acquiredAt: now.toISOString(),
          expiresAt: now.getTime() + leaseMs,
        };
        await writeItem(leaseFile(name), next);
        return true;
      });
    },

    async releaseLock(name, owner) {
      await locked('lease', name, async () => {
        const lease = await readItem(leaseFile(name), leaseSchema);
        if (lease?.owner === owner) await rm(leaseFile(name), { force: true });
      });
    },
  };
}
