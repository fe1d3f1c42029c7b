// Faults seen through the runner: outcomes for timeouts and resets, retries by method, 429, rate cap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { type ApiServer, cleanTempDirs, doc, run, startApi } from './run-harness.js';

let faults: FaultServer;
let api: ApiServer;
beforeAll(async () => {
  faults = await startFaultServer();
  api = await startApi();
});
afterEach(async () => {
  faults.reset();
  api.received.length = 0;
  await cleanTempDirs();
});
afterAll(async () => {
  await Promise.all([faults.close(), api.close()]);
});

const step = (method: string, path: string) =>
  `  - id: s\n    method: ${method}\n    path: "${path}"${method === 'GET' ? '' : '\n    body: { a: 1 }'}\n    expect: { status: [200] }`;
const target = () => ({ baseUrl: faults.url, fallbackUrl: faults.url, partnersUrl: faults.url });

describe('transport faults', () => {
  it('slow headers: the doc ends as error "timeout", a GET sent twice, a POST once', async () => {
    const docs = {
      'x/get.md': doc({ test: step('GET', '/slow-headers?ms=3000') }),
      'x/post.md': doc({
        front: 'endpoint: "POST /x"\ndomain: x\nstatus: verified',
        test: step('POST', '/slow-headers?ms=3000'),
      }),
    };
    const out = await run(faults, { docs, target: target(), timeoutMs: 150 });
    expect(out.docs['x/get.md']).toMatchObject({ outcome: 'error' });
    expect(out.docs['x/get.md']?.steps[0]?.error).toMatch(
      /^timeout: \[GET\] ".*\/slow-headers\?ms=3000": timeout after 150 ms$/,
    );
    expect(out.docs['x/post.md']?.outcome).toBe('error');
    const hits = faults.hits('/slow-headers');
    expect(hits.filter((h) => h.method === 'GET')).toHaveLength(2);
    expect(hits.filter((h) => h.method === 'POST')).toHaveLength(1);
  });

  it('a reset connection ends the doc as error', async () => {
    const out = await run(faults, {
      docs: { 'x/r.md': doc({ test: step('GET', '/reset-before-headers') }) },
      target: target(),
    });
    expect(out.docs['x/r.md']?.outcome).toBe('error');
    expect(out.docs['x/r.md']?.steps[0]?.error).toMatch(/^reset: /);
  });

  it('a 429 with Retry-After is waited out and the doc passes', async () => {
    const out = await run(faults, {
      docs: { 'x/l.md': doc({ test: step('POST', '/429-then-ok?n=2&retry-after=1') }) },
      target: target(),
    });
    expect(out.docs['x/l.md']?.outcome).toBe('pass');
    expect(out.clock.sleeps).toEqual([1000, 1000]);
    expect(faults.hits('/429-then-ok')).toHaveLength(3);
  });
});

describe('rate cap across the run', () => {
  it('never lets more than --rps requests arrive in any one-second window', async () => {
    const docs = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [
        `x/d${i}.md`,
        doc({ test: `${step('GET', `/a${i}`)}\n${step('GET', `/b${i}`).replace('id: s', 'id: s2')}` }),
      ]),
    );
    const out = await run(api, { docs, rps: 8, options: { concurrency: 6 } });
    expect(out.result.summary.pass).toBe(12);
    const times = api.received.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(24);
    const worst = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(worst).toBeLessThanOrEqual(8);
  });
});
