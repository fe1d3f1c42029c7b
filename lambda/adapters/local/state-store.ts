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
// without giving up a guarantee:
// - The result is appended to the run's results.jsonl with no cross-process lock: the run id belongs
//   to the process that started it, so appends only need ordering inside this process. They go
//   through a group commit (state/serial.ts): lines arriving while a write is in flight share the
//   next write and its fsync. The call returns only after that fsync, so a SIGKILLed (or
//   power-cut) process leaves every acknowledged result readable. The result is appended before the
//   doc state is touched, so the history always holds every result a doc state reflects.
// - The doc state update (read, next state, atomic rewrite) first queues on an in-process chain per
//   doc file, so this process never contends with itself; then it takes the doc's cross-process lock
//   file, which another process (a second run on the same folder) may hold, so no update is lost
//   between processes. The lock is one `open(O_EXCL)` + write + close, released with one unlink
//   (it was a folder with a holder file, removed with `rm -r`).
// Doc states stay on disk after every result (not batched in memory), so a reader in another process
// (`verifier status` during a run, or after a crash) sees every acknowledged result at once, with
// no recovery step. Every fsync stays (file and folder): without them a power cut could undo an
// acknowledged doc state. scripts/state-bench.ts measures this path.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import type { BusinessState, DocResult, Summary } from '../../engine/model.js';
import type { DocStateFilter, RunRecord, StateStore } from '../../engine/ports.js';
import {
  isNotFound,
  isTempName,
  parseJsonLines,
  readTextIfExists,
  writeFileAtomic,
} from './state/fs-atomic.js';
import { type MutexOptions, withMutex } from './state/mutex.js';
import { nextDocState } from './state/next-doc-state.js';
import { keyToFileName } from './state/paths.js';
import {
  businessStateSchema,
  docResultSchema,
  docStateSchema,
  type Lease,
  leaseSchema,
  runRecordSchema,
} from './state/schemas.js';
import { appendLineDurably, serially } from './state/serial.js';

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

  const runDirsMade = new Set<string>();
  const ensureRunDir = async (runId: string) => {
    if (runDirsMade.has(runId)) return;
    await ensureFolders();
    await mkdir(runDir(runId), { recursive: true });
    runDirsMade.add(runId);
  };

  const locked = async <T>(kind: string, key: string, fn: () => Promise<T>): Promise<T> => {
    await ensureFolders();
    return withMutex(join(folders.mutex, `${kind}-${keyToFileName(key)}`), mutexOptions, fn);
  };

  async function readItem<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
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
      await ensureRunDir(runId);
      await appendLineDurably(resultsFile(runId), JSON.stringify(result));
      const file = docFile(result.doc);
      return serially(file, () =>
        locked('doc', result.doc, async () => {
          const next = nextDocState(await readItem(file, docStateSchema), runId, result);
          await writeItem(file, next);
          return next;
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
