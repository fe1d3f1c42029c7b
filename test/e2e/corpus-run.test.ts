// All of ../shared/corpus, run for real against a local server that answers plausibly: every doc gets
// exactly one outcome, nothing crashes, and no request ever carries an unresolved `{{`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { Doc, DocResult, RunResult } from '../../lambda/engine/model.js';
import { OUTCOMES } from '../../lambda/engine/model.js';
import { DOCUMENTED_PARAMS } from '../../lambda/engine/names.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { systemClock } from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import { type PlausibleServer, startPlausibleServer } from '../support/plausible-server.js';
import { hasShared, SHARED_CORPUS } from '../support/shared.js';

const CORPUS = SHARED_CORPUS;
const TOKENS = {
  staff: 'e2e-staff-token',
  directory: 'e2e-dir-token',
  admin: 'e2e-admin-token',
  client: 'e2e-client-token',
  app: 'e2e-app-token',
  internal: 'e2e-internal-token',
};

// Skipped when ../shared is absent: test/e2e/seeds.test.ts runs the shipped docs end to end.
describe.skipIf(!hasShared())('the real corpus against a plausible server', () => {
  let server: PlausibleServer;
  let ids: readonly string[];
  let result: RunResult;
  const finished: DocResult[] = [];
  let stateDir: string;
  let stored: readonly DocResult[];

  beforeAll(async () => {
    const source = createLocalDocSource(CORPUS);
    ids = await source.list();
    const docs: Doc[] = [];
    for (const id of ids) {
      const d = parseDoc(id, await source.read(id)).doc;
      if (d) docs.push(d);
    }
    server = await startPlausibleServer(docs);
    stateDir = await mkdtemp(join(tmpdir(), 'verifier-e2e-'));
    const store = createLocalStateStore({ dir: stateDir });
    const http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
    const params = Object.fromEntries(DOCUMENTED_PARAMS.map((p) => [p, `cfg-${p}`]));
    try {
      result = await runDocs(
        {
          baseUrl: `${server.url}/apigw`,
          fallbackUrl: `${server.url}/api2`,
          partnersUrl: `${server.url}/partners-api`,
          credentials: { tokens: TOKENS, params },
        },
        { runId: 'corpus', allowDelete: true, concurrency: 8, filters: { include: ['pending', 'failed'] } },
        {
          docs: source,
          http,
          store,
          // Real time, but sleeps (some docs wait for async work) and re-probe delays are skipped.
          clock: { now: systemClock.now, sleep: async () => {} },
          onEvent: (e) => {
            if (e.type === 'doc-finished') finished.push(e.result);
          },
        },
      );
      stored = await store.getRunResults('corpus');
    } finally {
      await http.close();
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('gives every corpus doc exactly one outcome, streamed and stored', () => {
    expect(ids.length).toBeGreaterThanOrEqual(100);
    expect(finished.map((r) => r.doc).sort()).toEqual([...ids].sort());
    for (const r of finished) expect(OUTCOMES).toContain(r.outcome);
    expect(result.summary.total).toBe(ids.length);
    const counted = OUTCOMES.reduce((n, o) => n + result.summary[o], 0);
    expect(counted).toBe(ids.length);
    expect(stored.map((r) => r.doc).sort()).toEqual([...ids].sort());
  });

  it('never sends an unresolved {{ in a path, query, header or body', () => {
    expect(server.requests.length).toBeGreaterThan(50);
    for (const r of server.requests) {
      const sent = [r.url, r.body, ...Object.entries(r.headers).flat()].join('\n');
      expect({ url: r.url, leaked: sent.includes('{{') }).toEqual({ url: r.url, leaked: false });
    }
  });

  it('runs real step chains: many docs pass and their later steps use extracted values', () => {
    const passed = finished.filter((r) => r.outcome === 'pass');
    expect(passed.length).toBeGreaterThan(30);
    expect(finished.some((r) => r.outcome === 'pass' && r.steps.length >= 2)).toBe(true);
    expect(server.requests.some((r) => r.url.includes('p-'))).toBe(true);
    // Reasons name the doc and line for every invalid doc.
    for (const r of finished.filter((x) => x.outcome === 'invalid'))
      expect(r.reason).toMatch(/^[\w/.-]+\.md:\d+: /);
  });
});
