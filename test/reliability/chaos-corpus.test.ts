// The shipped docs (seeds/) and the real corpus (../shared/corpus, read in place, when present) against a chaos target: every request meets a fault
// picked deterministically from its method, URL and hit number (OK, 5xx, 404, 422, invalid JSON, HTML,
// resets, slow headers, 429, a redirect to another host, 204). Every doc gets exactly one outcome, no
// doc hits an internal error, no request leaves the target or carries a literal `{{`, and no token
// value appears in any result, event or stored state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { DocResult, RunResult } from '../../lambda/engine/model.js';
import { type RunEvent, type StateStore, systemClock } from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { hasShared, SEEDS_DIR, SHARED_CORPUS } from '../support/shared.js';
import { removeTempDirs, tempDir } from './harness.js';

// The shipped docs always; the corpus when ../shared is beside the clone.
const ROOTS = [
  { name: 'the seeds', dir: SEEDS_DIR, minDocs: 11, minRequests: 15 },
  ...(hasShared() ? [{ name: 'the corpus', dir: SHARED_CORPUS, minDocs: 100, minRequests: 50 }] : []),
];
const TOKENS = {
  staff: 'chaos-staff-1a2b3c4d5e6f7a8b',
  directory: 'chaos-dir-9f8e7d6c5b4a3f2e',
  admin: 'chaos-admin-0c1d2e3f4a5b6c7d',
  client: 'chaos-client-7e6d5c4b3a2f1e0d',
  internal: 'chaos-internal-5a5b5c5d5e5f5a5b',
};
const PARAMS = {
  business_id: '1001',
  business_uid: 'b-uid-1',
  staff_id: '2002',
  staff_uid: 's-uid-2',
  client_id: '3003',
  client_uid: 'c-uid-3',
  matter_uid: 'm-uid-4',
  service_id: '4004',
  directory_id: '5005',
};

describe.each(ROOTS)('$name', (root) => {
  let fs: FaultServer;
  let http: UndiciHttpClient;
  let store: StateStore;
  let ids: readonly string[];
  let result: RunResult;
  const events: RunEvent[] = [];
  const docs = (): DocResult[] => events.flatMap((e) => (e.type === 'doc-finished' ? [e.result] : []));

  beforeAll(async () => {
    fs = await startFaultServer({ chaos: true, slowMs: 1000 });
    http = createUndiciHttpClient({ timeoutMs: 300, rps: 0, sleep: async () => {} });
    store = createLocalStateStore({ dir: await tempDir() });
    const source = createLocalDocSource(root.dir);
    ids = await source.list();
    result = await runDocs(
      {
        baseUrl: `${fs.url}/apigw`,
        fallbackUrl: `${fs.url}/api2`,
        partnersUrl: `${fs.url}/partners-gw`,
        credentials: { tokens: TOKENS, params: PARAMS },
      },
      {
        runId: 'chaos-corpus',
        allowDelete: true,
        concurrency: 8,
        filters: { include: ['pending', 'failed'] },
      },
      { docs: source, http, store, clock: systemClock, onEvent: (e) => events.push(e) },
    );
  }, 60_000);
  afterAll(async () => {
    await http.close();
    await fs.close();
    await removeTempDirs();
  });

  describe('against a chaos target', () => {
    it('gives each doc exactly one outcome, and none an internal error', () => {
      expect(ids.length).toBeGreaterThanOrEqual(root.minDocs);
      expect(
        docs()
          .map((d) => d.doc)
          .sort(),
      ).toEqual([...ids].sort());
      expect(result.summary.total).toBe(ids.length);
      expect(
        docs()
          .filter((d) => /internal error/.test(d.reason ?? ''))
          .map((d) => `${d.doc}: ${d.reason}`),
      ).toEqual([]);
      // The chaos reached the docs: several outcomes occur.
      expect(new Set(docs().map((d) => d.outcome)).size).toBeGreaterThanOrEqual(3);
    });

    it('never sends a request off the target or with a literal template', () => {
      expect(fs.requests.length).toBeGreaterThan(root.minRequests);
      expect(fs.requests.filter((r) => r.server === 'other')).toEqual([]);
      const literal = fs.requests.filter((r) =>
        /\{\{|%7B%7B/i.test(`${r.url} ${r.body} ${JSON.stringify(r.headers)}`),
      );
      expect(literal.map((r) => `${r.url} ${r.body}`)).toEqual([]);
    });

    it('keeps every token out of results, events and state', async () => {
      const texts = [
        JSON.stringify(events),
        JSON.stringify(await store.getRunResults('chaos-corpus')),
        JSON.stringify(await store.listDocStates()),
      ].join('\n');
      const leaks = Object.values(TOKENS).filter((t) => texts.includes(t) || texts.includes(t.slice(-16)));
      expect(leaks).toEqual([]);
    });
  });
});
