// Runs docs through the real engine (runDocs), the real local state store and a real HTTP client,
// and collects what came out: the run result, each doc's result event, and the store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { DocResult, RunResult } from '../../lambda/engine/model.js';
import {
  type AlertSink,
  type DocSource,
  type HttpClient,
  type RunEvent,
  type StateStore,
  systemClock,
} from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import type { Credentials, RunOptions } from '../../lambda/engine/target.js';
import { type FaultServer, type FaultServerOptions, startFaultServer } from '../support/fault-server.js';

/** What a file's tests run against: one fault server and one uncapped HTTP client. */
export interface FaultTarget {
  readonly fs: FaultServer;
  readonly http: UndiciHttpClient;
}

/**
 * Starts a fault server and an HTTP client before the file's tests and closes them (and removes the
 * temp folders) after; read `fs` and `http` inside tests, once they have started.
 */
export function useFaultTarget(options: FaultServerOptions = {}): FaultTarget {
  const target = {} as { fs: FaultServer; http: UndiciHttpClient };
  beforeAll(async () => {
    target.fs = await startFaultServer(options);
    target.http = createUndiciHttpClient({ timeoutMs: 2000, rps: 0 });
  });
  afterAll(async () => {
    await target.http?.close();
    await target.fs?.close();
    await removeTempDirs();
  });
  return target;
}

/** Docs held in memory, keyed by id. */
export function memoryDocs(docs: Readonly<Record<string, string>>): DocSource {
  return {
    list: async () => Object.keys(docs).sort(),
    read: async (id) => {
      const text = docs[id];
      if (text === undefined) throw new Error(`no doc ${id}`);
      return text;
    },
  };
}

export const CANARY_TOKENS = {
  staff: 'cnry-STAFF-7f3e9a1b2c4d5e6f',
  directory: 'cnry-DIR-0a9b8c7d6e5f4a3b',
  admin: 'cnry-ADMIN-q/w+e=r&t?y#u%i',
} as const;

export const TEST_CREDENTIALS: Credentials = {
  tokens: { staff: 'tok-staff-reliability-1234', directory: 'tok-dir-reliability-5678' },
  params: { business_id: 'biz-1', staff_id: 's-1' },
};

export interface RunArgs {
  readonly docs: Readonly<Record<string, string>>;
  readonly baseUrl: string;
  readonly fallbackUrl?: string;
  readonly partnersUrl?: string;
  readonly http: HttpClient;
  readonly credentials?: Credentials;
  readonly store?: StateStore;
  readonly alerts?: AlertSink;
  readonly options?: Partial<RunOptions>;
}

export interface RunOutput {
  readonly result: RunResult;
  /** Each doc's result, in completion order (from `doc-finished` events). */
  readonly docs: readonly DocResult[];
  readonly events: readonly RunEvent[];
  byDoc(id: string): DocResult;
}

let runCounter = 0;

export async function runWith(args: RunArgs, store: StateStore): Promise<RunOutput> {
  const events: RunEvent[] = [];
  const options: RunOptions = {
    runId: `rel-${process.pid}-${++runCounter}-${Date.now()}`,
    allowDelete: false,
    concurrency: 4,
    ...args.options,
  };
  const result = await runDocs(
    {
      baseUrl: args.baseUrl,
      ...(args.fallbackUrl ? { fallbackUrl: args.fallbackUrl } : {}),
      ...(args.partnersUrl ? { partnersUrl: args.partnersUrl } : {}),
      credentials: args.credentials ?? TEST_CREDENTIALS,
    },
    options,
    {
      docs: memoryDocs(args.docs),
      http: args.http,
      store,
      clock: systemClock,
      ...(args.alerts ? { alerts: args.alerts } : {}),
      onEvent: (e) => events.push(e),
    },
  );
  const docs = events.flatMap((e) => (e.type === 'doc-finished' ? [e.result] : []));
  return {
    result,
    docs,
    events,
    byDoc(id) {
      const found = docs.filter((d) => d.doc === id);
      if (found.length !== 1) throw new Error(`expected one result for ${id}, got ${found.length}`);
      return found[0] as DocResult;
    },
  };
}

const temps: string[] = [];

/** A temp folder, removed by `removeTempDirs` (call it in afterAll). */
export async function tempDir(prefix = 'verifier-rel-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Runs against `args.store`, or a fresh local state store in a temp folder. */
export async function runOnce(args: RunArgs): Promise<RunOutput & { store: StateStore }> {
  const store = args.store ?? createLocalStateStore({ dir: await tempDir() });
  return { ...(await runWith(args, store)), store };
}
