// The local StateStore (`--state DIR`): plain JSON files, one per item, each replaced atomically.
//
//   DIR/docs/<doc>.json              current state of one doc
//   DIR/runs/<runId>/run.json        the run record (summary once finished)
//   DIR/runs/<runId>/results.jsonl   one DocResult per line, appended as each doc completes
//   DIR/businesses/<id>.json         business condition (conditional on `version`)
//   DIR/locks/<name>.json            lease locks
//   DIR/mutex/<kind>-<key>           short-lived cross-process lock files around read-modify-write
//
// Two processes may share DIR: every read-modify-write of a shared item (doc state, business,
// lease, run record) runs under the item's cross-process lock file, and every write is a temp file +
// fsync + rename, so readers see the previous or the new file, never a torn one.
//
// recordDocResult is the hot path (once per doc, ten or more in flight), so it is built to be cheap
// without giving up a guarantee. It resolves only once (a) its result line is durably appended to
// runs/<runId>/results.jsonl and (b) docs/<doc>.json durably reflects it (file and folder fsynced):
// a reader in another process (`verifier status` during a run, or after a crash) sees every
// acknowledged result at once, with no recovery step, and a SIGKILL or a power cut loses nothing
// that was acknowledged. Calls are group-committed (state/doc-batch.ts): each call is queued at once
// (so one doc's results apply in call order, whatever their run), calls made while a flush is in
// flight go into the next flush, and each call settles with the flush that holds it.
// A flush:
// 1. appends every queued line, one write + fsync per results file (state/serial.ts keeps appends
//    to one file in order inside this process; no cross-process lock: the run id belongs to the
//    process that started it). The lines are durable before any doc state moves, so the history
//    always holds every result a doc state reflects. A caller whose line failed is rejected there.
// 2. takes ONE cross-process lock file for the docs folder (mutex/docs-batch; it was one lock per
//    doc), so two processes or two store instances never lose an update; inside it, for each doc of
//    the batch: reads its file (schema-checked: StateFileError on garbage), applies nextDocState for
//    each of its results in call order, writes a temp file; then fsyncs every temp file at once,
//    renames each over its doc file (atomic: readers see the old or the new file, never a torn
//    one), fsyncs the docs folder once, and releases the lock. A per-doc lock file of an older
//    version of the store that is present when the flush starts is waited for (or broken) too.
// A failure of one doc (garbage file, a folder in its place) rejects that doc's callers only; a
// failure of the flush (lock, folder) rejects every caller of the batch; the next flush starts clean.
// The page-cache-only steps (read, open, write, close, rename, unlink; the lock file's create and
// unlink) are synchronous calls: each is microseconds of system time, while its promise version costs
// a threadpool round trip, a promise and two thread switches, which is where this path's CPU went
// (about 16 such round trips per doc). Every fsync stays asynchronous: the event loop never blocks on
// the disk. The fsyncs run in parallel on the threadpool, so a flush of ten docs waits about one.
// scripts/state-bench.ts measures this path. What remains on ext4 is mostly the kernel allocating
// one inode per temp file (slow on a file system without a journal, this project's machines, after
// many recent deletions); on tmpfs the store itself costs about 0.1 ms CPU per doc.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import type { BusinessState, DocResult, Summary } from '../../engine/model.js';
import type { DocStateFilter, RunRecord, StateStore } from '../../engine/ports.js';
import { type DocBatchTarget, recordResult } from './state/doc-batch.js';
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
  docStateSchema,
  type Lease,
  leaseSchema,
  runRecordSchema,
} from './state/schemas.js';

export interface LocalStateStoreOptions {
  readonly dir: string;
  /** Mutex timing; the defaults suit a local disk. @default - stale after 10 s, give up after 30 s */
  readonly mutex?: Partial<MutexOptions>;
}

/** A state file that exists but does not hold what the store wrote there. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export function createLocalStateStore(options: LocalStateStoreOptions): StateStore {
  const root = options.dir;
  const mutexOptions: MutexOptions = { staleMs: 10_000, timeoutMs: 30_000, ...options.mutex };
  const folders = {
    docs: join(root, 'docs'),
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

  const docFile = (doc: string) => join(folders.docs, `${keyToFileName(doc)}.json`);
  const runDir = (runId: string) => join(folders.runs, keyToFileName(runId));
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

  const docBatch: DocBatchTarget = {
    docsDir: folders.docs,
    mutexDir: folders.mutex,
    mutexOptions,
    legacyLockName: (doc) => `doc-${keyToFileName(doc)}`,
    parse: (file, text) => parseItem(file, text, docStateSchema),
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
      return recordResult(
        docBatch,
        ensureRunDir(runId),
        resultsFile(runId),
        docFile(result.doc),
        runId,
        result,
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
      runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
      return runs.slice(0, Math.max(0, limit));
    },

    async getDocState(doc) {
      return readItem(docFile(doc), docStateSchema);
    },

    async listDocStates(filter?: DocStateFilter) {
      const states = await listItems(folders.docs, docStateSchema);
      return states
        .filter((s) => filter?.domain === undefined || s.domain === filter.domain)
        .filter((s) => filter?.outcome === undefined || s.outcome === filter.outcome)
        .sort((a, b) => a.doc.localeCompare(b.doc));
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
      return all.sort((a, b) => a.businessId.localeCompare(b.businessId));
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
