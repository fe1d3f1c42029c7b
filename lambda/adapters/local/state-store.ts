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
// runs under a lock file; every JSON file is replaced atomically (temp file + fsync + rename), and a
// results line is appended and fsynced. So every promise keeps the port's durability rule: what it
// acknowledged is on disk. recordDocResult appends the result line (lines handed in while an
// append is in flight share the next one, state/serial.ts), and the doc's record is updated once
// that line is durable, so the history holds every result a doc state reflects; doc records are
// group-committed the same way (state/doc-records.ts: one lock file and one fsync round per commit).

import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import type { BusinessState, DocResult, Summary } from '../../engine/model.js';
import { byText } from '../../engine/order.js';
import type { DocStateFilter, HealthKind, HealthRecord, RunRecord, StateStore } from '../../engine/ports.js';
import { createInFlight } from '../in-flight.js';
import {
  businessStateSchema,
  docResultSchema,
  healthRecordSchema,
  type Lease,
  leaseSchema,
  runRecordSchema,
} from '../state-schemas.js';
import { createDocRecords, historyOf, uptimeOf } from './state/doc-records.js';
import { isNotFound, isTempName, parseJsonLines, readTextIfExists, writeFileAtomic } from './state/files.js';
import { type MutexOptions, withMutex } from './state/mutex.js';
import { keyToFileName } from './state/paths.js';
import { appendLineDurably } from './state/serial.js';

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
  const businessFile = (id: string) => join(folders.businesses, `${keyToFileName(id)}.json`);
  const healthDir = (kind: HealthKind) => join(folders.health, kind);
  const healthFile = (kind: HealthKind, key: string) => join(healthDir(kind), `${keyToFileName(key)}.json`);
  const leaseFile = (name: string) => join(folders.locks, `${keyToFileName(name)}.json`);

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
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const files = names.filter((n) => n.endsWith('.json') && !isTempName(n)).sort();
    const items = await Promise.all(files.map((n) => readItem(join(folder, n), schema)));
    return items.filter((x): x is Awaited<T> => x !== undefined) as T[];
  }

  /** Replaces the item at `file` when its stored version is `expectedVersion` (0 = absent). */
  const versioned = <T extends { version: number }>(
    lockKind: string,
    lockKey: string,
    file: string,
    schema: z.ZodType<T>,
    expectedVersion: number,
    write: () => Promise<void>,
  ): Promise<boolean> =>
    locked(lockKind, lockKey, async () => {
      const current = await readItem(file, schema);
      if ((current?.version ?? 0) !== expectedVersion) return false;
      await write();
      return true;
    });

  const docs = createDocRecords(root, folders.mutex, mutexOptions, ensureFolders);
  const inFlight = createInFlight();
  const track = inFlight.track;

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
      const stored = ensureRunDir(runId).then(() => appendLineDurably(resultsFile(runId), line));
      return track(docs.record(runId, result, stored));
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
      return (await docs.list())
        .map((r) => r.state)
        .filter((s) => filter?.domain === undefined || s.domain === filter.domain)
        .filter((s) => filter?.outcome === undefined || s.outcome === filter.outcome)
        .filter((s) => filter?.includeRemoved === true || s.removed === undefined)
        .sort((a, b) => byText(a.doc, b.doc));
    },

    async markRemovedDocs(present, runId, at) {
      const found = new Set(present);
      const marked: string[] = [];
      for (const r of await docs.list()) {
        if (found.has(r.state.doc) || r.state.removed) continue;
        if (await docs.markRemoved(r.state.doc, runId, at)) marked.push(r.state.doc);
      }
      return marked.sort(byText);
    },

    async listDocHistory(limit, only) {
      return historyOf(await docs.list(only), limit);
    },

    async listDocUptime(sinceDay, only) {
      return uptimeOf(await docs.list(only), sinceDay);
    },

    getBusiness: (businessId) => readItem(businessFile(businessId), businessStateSchema),

    putBusiness: (next: BusinessState, expectedVersion) =>
      versioned(
        'business',
        next.businessId,
        businessFile(next.businessId),
        businessStateSchema,
        expectedVersion,
        () => writeItem(businessFile(next.businessId), next),
      ),

    async listBusinesses() {
      const all = await listItems(folders.businesses, businessStateSchema);
      return all.sort((a, b) => byText(a.businessId, b.businessId));
    },

    getHealth: (kind, key) => readItem(healthFile(kind, key), healthRecordSchema),

    async listHealth(kind) {
      const all = await listItems(healthDir(kind), healthRecordSchema);
      return all.filter((r) => r.kind === kind).sort((a, b) => byText(a.key, b.key));
    },

    async putHealth(kind, key, data, expectedVersion, at) {
      await ensureFolders();
      await mkdir(healthDir(kind), { recursive: true });
      const record: HealthRecord = { kind, key, version: expectedVersion + 1, data, updatedAt: at };
      healthRecordSchema.parse(record); // a record the store could not read back is refused up front
      return versioned(
        `health-${kind}`,
        key,
        healthFile(kind, key),
        healthRecordSchema,
        expectedVersion,
        () => writeItem(healthFile(kind, key), record),
      );
    },

    async deleteHealth(kind, key, expectedVersion) {
      if (expectedVersion <= 0) return false;
      return versioned(
        `health-${kind}`,
        key,
        healthFile(kind, key),
        healthRecordSchema,
        expectedVersion,
        () => rm(healthFile(kind, key), { force: true }),
      );
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

    async flush() {
      await inFlight.settled();
    },
  };
}
