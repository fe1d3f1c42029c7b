// Faulty targets: one run of many docs, each hitting one fault of the fault server (or a refusing
// port, or a host that does not resolve). Every doc ends in the right outcome with a clear reason,
// within the configured timeout, and the run goes on to the next doc.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import type { DocResult, StepResult } from '../../lambda/engine/model.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { DEFAULTS } from '../../lambda/engine/target.js';
import { DEFAULT_FRONTMATTER, docWithStep, okStep } from '../support/doc-arbitraries.js';
import {
  type FaultServer,
  MB,
  refusedPort,
  startFaultServer,
  UNRESOLVABLE_HOST,
} from '../support/fault-server.js';
import { type RunOutput, removeTempDirs, runOnce, TEST_CREDENTIALS } from './harness.js';

const TIMEOUT_MS = 300;
const SLOW_MS = 5000;

let fs: FaultServer;
let http: UndiciHttpClient;
let run: RunOutput & { store: StateStore };
const waits: number[] = [];

const doc = (path: string, extra: Record<string, unknown> = {}, frontmatter = DEFAULT_FRONTMATTER) =>
  docWithStep(okStep('call', { path, ...extra }), frontmatter);

const DOCS: Record<string, string> = {
  'faults/a-slow-headers.md': doc(`/slow-headers?ms=${SLOW_MS}`),
  'faults/b-slow-body.md': doc(`/slow-body?ms=${SLOW_MS}`),
  'faults/c-reset.md': doc('/reset'),
  'faults/d-reset-before-headers.md': doc('/reset-before-headers'),
  'faults/g-invalid-json.md': doc('/invalid-json', { extract: { id: '$.data.id' } }),
  'faults/h-html.md': doc('/html', { extract: { id: '$.data.id' } }),
  'faults/i-text.md': doc('/text', { extract: { id: '$.data.id' } }),
  'faults/j-empty.md': doc('/empty', { extract: { id: '$.data.id' } }),
  'faults/k-503.md': doc('/status/503'),
  'faults/l-500-post.md': doc('/status/500', { method: 'POST', body: { a: 1 } }),
  'faults/m-429-storm.md': doc('/429'),
  'faults/n-429-retry-after.md': doc('/429?retry-after=1'),
  'faults/o-429-then-ok.md': doc('/429-then-ok?n=2'),
  'faults/p-redirect-other.md': doc('/redirect-other-host'),
  'faults/q-redirect-same.md': doc('/redirect-same-host'),
  // Its own endpoint, so implicit fallback routing (FORMAT.md §7) sends no other doc to the refusing port.
  'faults/r-refused.md': doc(
    '/refused',
    {},
    'endpoint: "GET /refused"\ndomain: reliability\nstatus: verified\nuseFallbackApi: true\n',
  ),
  'faults/s-dns.md': doc('/partners/v1/ok'),
  'faults/t-ok.md': doc('/ok'),
  'faults/u-trickle.md': doc('/trickle?ms=40'),
  'faults/v-garbage.md': doc('/garbage'),
  'faults/x-deep-json.md': doc('/deep-json?depth=5000', { extract: { all: '$..*' } }),
  'faults/y-deeper-json.md': doc('/deep-json?depth=100000', { extract: { first: '$[0]' } }),
  'faults/w-429-retry-after-huge.md': doc('/429?retry-after=99999&huge=1'),
};

// Reading past the body cap takes time; these run with a timeout that is not the point of the test.
const HUGE_DOCS: Record<string, string> = {
  'faults/e-huge.md': doc('/huge', { expect: { status: [201] } }),
  'faults/f-huge-extract.md': doc('/huge', { extract: { id: '$.data.id' } }),
};
let hugeHttp: UndiciHttpClient;
let hugeRun: RunOutput & { store: StateStore };

beforeAll(async () => {
  fs = await startFaultServer({ slowMs: SLOW_MS, hugeBytes: 50 * MB });
  http = createUndiciHttpClient({
    timeoutMs: TIMEOUT_MS,
    rps: 0,
    // 429 backoff waits are recorded, not slept, so the storm costs no wall time.
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  run = await runOnce({
    docs: DOCS,
    baseUrl: fs.url,
    fallbackUrl: `http://127.0.0.1:${await refusedPort()}`,
    partnersUrl: `http://${UNRESOLVABLE_HOST}:8080`,
    http,
  });
  hugeHttp = createUndiciHttpClient({ timeoutMs: 20_000, rps: 0 });
  hugeRun = await runOnce({ docs: HUGE_DOCS, baseUrl: fs.url, http: hugeHttp });
});
afterAll(async () => {
  await http.close();
  await hugeHttp.close();
  await fs.close();
  await removeTempDirs();
});

const result = (name: string): DocResult =>
  name.includes('huge') && !name.includes('429')
    ? hugeRun.byDoc(`faults/${name}.md`)
    : run.byDoc(`faults/${name}.md`);
const step = (name: string): StepResult => {
  const s = result(name).steps[0];
  if (!s) throw new Error(`no step result for ${name}`);
  return s;
};
const auth = `Bearer ${TEST_CREDENTIALS.tokens.staff}`;

describe('faulty targets', () => {
  it('gives every doc exactly one outcome and goes on after each fault', () => {
    expect(run.docs.map((d) => d.doc).sort()).toEqual(Object.keys(DOCS).sort());
    expect(run.result.summary.total).toBe(Object.keys(DOCS).length);
    expect([result('t-ok').outcome, result('t-ok').reason]).toEqual(['pass', undefined]);
  });

  it('times out slow headers and a slow body as error, within the timeout, retrying a GET once', () => {
    for (const name of ['a-slow-headers', 'b-slow-body']) {
      expect(result(name).outcome, name).toBe('error');
      expect(result(name).reason, name).toMatch(new RegExp(`timeout.*${TIMEOUT_MS} ms`));
      // The client gave up long before the server would have answered.
      expect(result(name).durationMs, name).toBeLessThan(SLOW_MS);
    }
    expect(fs.hits('/slow-headers')).toHaveLength(2);
    expect(fs.hits('/slow-body')).toHaveLength(2);
  });

  it('reports a connection reset mid-body or before headers as error "reset"', () => {
    for (const name of ['c-reset', 'd-reset-before-headers']) {
      expect(result(name).outcome, name).toBe('error');
      expect(step(name).error, name).toMatch(/^reset: /);
    }
    expect(fs.hits('/reset')).toHaveLength(2);
  });

  it('caps a 50 MB body: the excerpt is at most 1 KB and the client stops reading long before 50 MB', async () => {
    expect(result('e-huge').outcome).toBe('fail');
    expect(result('e-huge').reason).toMatch(/expected 201, got 200/);
    for (const name of ['e-huge', 'f-huge-extract']) {
      expect(Buffer.byteLength(step(name).bodyExcerpt ?? '', 'utf8'), name).toBeLessThanOrEqual(1024);
    }
    expect(result('f-huge-extract').outcome).toBe('fail');
    // The client drops the connection after its drain allowance instead of reading all 50 MB.
    expect(fs.hugeBytesWritten).toBeLessThan(40 * MB);
    const stored = await hugeRun.store.getRunResults(hugeRun.result.runId);
    const huge = stored.find((d) => d.doc === 'faults/e-huge.md');
    expect(JSON.stringify(huge).length).toBeLessThan(4096);
  });

  it('keeps at most the body cap of a 50 MB response in memory, marked truncated', async () => {
    const res = await hugeHttp.send({ method: 'GET', url: `${fs.url}/huge`, headers: {} });
    expect(res.status).toBe(200);
    expect(res.truncated).toBe(true);
    expect(Buffer.byteLength(res.body)).toBeLessThanOrEqual(DEFAULTS.maxBodyBytes);
  });

  it('fails (not errors) on bodies that are not the JSON the extract needs, naming the extract', () => {
    for (const name of ['g-invalid-json', 'h-html', 'i-text', 'j-empty']) {
      expect(result(name).outcome, name).toBe('fail');
      expect(result(name).reason, name).toMatch(/id/);
      expect(result(name).reason, name).toMatch(/\$\.data\.id/);
    }
  });

  it('fails on 5xx with expected vs actual, and never retries a POST that got an answer', () => {
    expect(result('k-503').outcome).toBe('fail');
    expect(result('k-503').reason).toMatch(/expected 200, got 503/);
    expect(result('l-500-post').reason).toMatch(/expected 200, got 500/);
    expect(fs.hits('/status/500')).toHaveLength(1);
  });

  it('retries a 429 storm 3 times (Retry-After honoured, else exponential backoff), then ends error "rate limited"', () => {
    // FORMAT.md §8 (issue 12): a 429 still answered after the retries is the target's limit, not the endpoint failing.
    expect(result('m-429-storm').outcome).toBe('error');
    expect(result('m-429-storm').reason).toMatch(/rate limited \(429 after 3 retries\)/);
    expect(fs.hits('/429').filter((r) => !r.url.includes('huge'))).toHaveLength(8);
    // storm: 1 s, 2 s, 4 s; Retry-After 1: 1 s three times; then-ok: 1 s, 2 s.
    expect([...waits].sort((a, b) => a - b)).toEqual([1000, 1000, 1000, 1000, 1000, 2000, 2000, 4000]);
    expect(result('o-429-then-ok').outcome).toBe('pass');
    expect(fs.hits('/429-then-ok')).toHaveLength(3);
  });

  it('does not wait out an absurd Retry-After: the 429 is returned as the answer', () => {
    expect(result('w-429-retry-after-huge').outcome).toBe('error');
    expect(result('w-429-retry-after-huge').reason).toMatch(/rate limited \(429 after \d+ retries\)/);
    expect(fs.hits('/429').filter((r) => r.url.includes('huge'))).toHaveLength(1);
    expect(waits.every((w) => w <= 60_000)).toBe(true);
  });

  it('times out a body that trickles forever, and reports a non-HTTP answer as error', () => {
    expect(result('u-trickle').outcome).toBe('error');
    expect(result('u-trickle').reason).toMatch(new RegExp(`timeout.*${TIMEOUT_MS} ms`));
    expect(result('u-trickle').durationMs).toBeLessThan(SLOW_MS);
    expect(result('v-garbage').outcome).toBe('error');
    expect(step('v-garbage').error).toMatch(/garbage/);
  });

  it('survives pathologically deep JSON: a recursive extract fails the step, a shallow one passes', () => {
    expect(result('x-deep-json').outcome).toBe('fail');
    expect(result('x-deep-json').reason).toMatch(/extract all: \$\.\.\* could not be evaluated/);
    expect(result('y-deeper-json').outcome).toBe('pass');
  });

  it('never follows a redirect, to another host or the same host, so Authorization never travels', () => {
    for (const name of ['p-redirect-other', 'q-redirect-same']) {
      expect(result(name).outcome, name).toBe('fail');
      expect(result(name).reason, name).toMatch(/got 302/);
    }
    expect(fs.hits('/redirect-other-host')[0]?.headers.authorization).toBe(auth);
    expect(fs.requests.filter((r) => r.server === 'other')).toEqual([]);
    expect(fs.requests.filter((r) => r.path === '/landing' && r.headers.authorization)).toEqual([]);
  });

  it('reports a refused connection and an unresolvable host as error with the fault kind', () => {
    expect(result('r-refused').outcome).toBe('error');
    expect(step('r-refused').error).toMatch(/^connect: .*ECONNREFUSED/);
    expect(result('s-dns').outcome).toBe('error');
    expect(step('s-dns').error).toMatch(/^dns: /);
    expect(result('s-dns').reason).not.toContain(TEST_CREDENTIALS.tokens.staff);
  });
});

describe('a deadline over a slow target', () => {
  it('records the docs it did not start as skip "deadline", sends none of their requests, and stops', async () => {
    const slow = await startFaultServer();
    const client = createUndiciHttpClient({ timeoutMs: 5000, rps: 0 });
    try {
      const docs: Record<string, string> = {};
      for (let i = 0; i < 12; i++)
        docs[`slow/d-${String(i).padStart(2, '0')}.md`] = doc(`/slow-headers?ms=300&i=${i}`);
      const out = await runOnce({
        docs,
        baseUrl: slow.url,
        http: client,
        options: { concurrency: 2, deadline: new Date(Date.now() + 400) },
      });
      expect(out.docs.map((d) => d.doc).sort()).toEqual(Object.keys(docs).sort());
      const skipped = out.docs.filter((d) => d.outcome === 'skip');
      expect(skipped.length).toBeGreaterThan(0);
      for (const d of skipped) expect(d.reason).toBe('deadline');
      const started = out.docs.filter((d) => d.outcome !== 'skip');
      for (const d of started) expect(d.outcome, d.doc).toBe('pass');
      expect(slow.hits('/slow-headers')).toHaveLength(started.length);
    } finally {
      await client.close();
      await slow.close();
    }
  });
});
