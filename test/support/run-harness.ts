// Shared set-up for the runner tests: a recording API server on 127.0.0.1:0, docs held in memory,
// the real undici client, the real local state store, and a clock whose sleeps are recorded.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { Alert, DocResult, RunResult } from '../../lambda/engine/model.js';
import type {
  AlertSink,
  Clock,
  DocSource,
  RunEvent,
  StateStore,
  TestFiles,
} from '../../lambda/engine/ports.js';
import { type RunDeps, runDocs } from '../../lambda/engine/run/run-docs.js';
import type { RunOptions, Target } from '../../lambda/engine/target.js';
import { type FaultServer, startFaultServer } from './fault-server.js';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

export type Handler = (
  req: Received,
) => { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

export interface ApiServer {
  readonly url: string;
  readonly received: Received[];
  handler: Handler;
  close(): Promise<void>;
}

/** Answers 200 `{"status":"OK","data":{}}` unless `handler` says otherwise; records every request. */
export async function startApi(): Promise<ApiServer> {
  const received: Received[] = [];
  const api: ApiServer = {
    url: '',
    received,
    handler: () => undefined,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    // Arrival time is taken before the body is read: that read may wait on the event loop.
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const u = new URL(req.url ?? '/', 'http://x');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    const r: Received = {
      method: req.method ?? '',
      url: req.url ?? '',
      path: u.pathname,
      query: u.searchParams,
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at,
    };
    received.push(r);
    const out = api.handler(r) ?? {};
    const text =
      typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? { status: 'OK', data: {} });
    res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
    res.end(text);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  (api as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

export function memoryDocs(docs: Record<string, string>): DocSource {
  return {
    list: async () => Object.keys(docs).sort(),
    read: async (id) => {
      const text = docs[id];
      if (text === undefined) throw new Error(`no doc ${id}`);
      return text;
    },
  };
}

/** A doc in the real format: frontmatter, optional prerequisites, test steps (YAML text, indented as given). */
export function doc(opts: { front?: string; pre?: string; test: string; extra?: string }): string {
  const front = opts.front ?? 'endpoint: "GET /x"\ndomain: clients\nstatus: verified';
  const pre = opts.pre ? `## Prerequisites\n\n\`\`\`yaml\nsteps:\n${opts.pre}\n\`\`\`\n\n` : '';
  return `---\n${front}\n---\n\n# Title\n\n## Summary\n\nText.\n\n${pre}## Test Request\n\n\`\`\`yaml\nsteps:\n${opts.test}\n\`\`\`\n${opts.extra ?? ''}`;
}

export interface RecordingClock extends Clock {
  readonly sleeps: number[];
}

/** Real time; sleeps are recorded and return at once (sleep and re-probe waits stay observable, tests stay quick). */
export function recordingClock(): RecordingClock {
  const sleeps: number[] = [];
  return { sleeps, now: () => new Date(), sleep: async (ms) => void sleeps.push(ms) };
}

export interface RunSetup {
  readonly docs: Record<string, string>;
  readonly target?: Partial<Target>;
  readonly tokens?: Record<string, string>;
  readonly params?: Record<string, unknown>;
  readonly options?: Partial<RunOptions>;
  readonly testFiles?: TestFiles;
  readonly alerts?: AlertSink;
  readonly shouldStop?: () => boolean;
  readonly store?: StateStore;
  readonly timeoutMs?: number;
  readonly rps?: number;
  readonly promises?: RunDeps['promises'];
}

export interface RunOutput {
  readonly result: RunResult;
  readonly docs: Record<string, DocResult>;
  readonly events: RunEvent[];
  readonly alerts: Alert[];
  readonly clock: RecordingClock;
  readonly store: StateStore;
}

export const TOKENS = { staff: 'staff-tok-1234', directory: 'dir-tok-5678', admin: 'admin-tok-9012' };

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'verifier-run-'));
  dirs.push(d);
  return d;
}

export async function cleanTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function run(api: { readonly url: string }, setup: RunSetup): Promise<RunOutput> {
  const clock = recordingClock();
  const store = setup.store ?? createLocalStateStore({ dir: await tempDir() });
  const http = createUndiciHttpClient({
    rps: setup.rps ?? 0,
    timeoutMs: setup.timeoutMs ?? 5000,
    sleep: clock.sleep,
  });
  const events: RunEvent[] = [];
  const target: Target = {
    baseUrl: `${api.url}/apigw`,
    fallbackUrl: `${api.url}/api2`,
    partnersUrl: `${api.url}/partners-api`,
    credentials: {
      tokens: setup.tokens ?? TOKENS,
      params: setup.params ?? { business_id: 'biz-1', staff_id: 7 },
    },
    ...setup.target,
  };
  const deps: RunDeps = {
    docs: memoryDocs(setup.docs),
    http,
    store,
    clock,
    onEvent: (e) => events.push(e),
    ...(setup.testFiles ? { testFiles: setup.testFiles } : {}),
    ...(setup.alerts ? { alerts: setup.alerts } : {}),
    ...(setup.shouldStop ? { shouldStop: setup.shouldStop } : {}),
    ...(setup.promises ? { promises: setup.promises } : {}),
  };
  try {
    const result = await runDocs(
      target,
      { runId: 'run-1', allowDelete: false, concurrency: 2, ...setup.options },
      deps,
    );
    const docs: Record<string, DocResult> = {};
    for (const e of events) if (e.type === 'doc-finished') docs[e.result.doc] = e.result;
    const alerts = events.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
    return { result, docs, events, alerts, clock, store };
  } finally {
    await http.close();
  }
}

/**
 * One API server per test file: started before the tests, reset after each (requests, handler, temp
 * dirs), closed at the end. Returns a handle that reaches the server once it is up.
 */
export function useApi(): ApiServer {
  let server: ApiServer | undefined;
  const get = (): ApiServer => {
    if (!server) throw new Error('useApi: the server starts in beforeAll; use it inside a test');
    return server;
  };
  beforeAll(async () => {
    server = await startApi();
  });
  afterEach(async () => {
    get().received.length = 0;
    get().handler = () => undefined;
    await cleanTempDirs();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      return get().url;
    },
    get received() {
      return get().received;
    },
    get handler() {
      return get().handler;
    },
    set handler(h: Handler) {
      get().handler = h;
    },
    close: () => get().close(),
  };
}

/**
 * One fault server per test file, as `useApi` for the API server: started before the tests, reset
 * (and temp dirs removed) after each, closed at the end. The handle reaches the server once it is up.
 */
export function useFaults(): FaultServer {
  let server: FaultServer | undefined;
  const get = (): FaultServer => {
    if (!server) throw new Error('useFaults: the server starts in beforeAll; use it inside a test');
    return server;
  };
  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    server?.reset();
    await cleanTempDirs();
  });
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as FaultServer, {
    get: (_, key) => {
      const value = Reflect.get(get(), key);
      return typeof value === 'function' ? value.bind(get()) : value;
    },
  });
}
