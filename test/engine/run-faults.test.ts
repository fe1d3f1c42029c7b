// Faults seen through the runner: outcomes for timeouts and resets, retries by method, 429, rate cap.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { doc, run, useFaults } from '../support/run-harness.js';

const faults = useFaults();

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

// The server runs on its own thread, so its arrival times do not wait on the runner's event loop.
const ARRIVALS_SERVER = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const arrivals = [];
const server = http.createServer((req, res) => {
  arrivals.push(performance.now());
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"OK","data":{}}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'arrivals') parentPort.postMessage({ arrivals });
  if (m === 'close') { server.closeAllConnections(); server.close(() => parentPort.close()); }
});
`;

async function startArrivalsServer() {
  const worker = new Worker(ARRIVALS_SERVER, { eval: true });
  const [{ port }] = (await once(worker, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals: async (): Promise<number[]> => {
      worker.postMessage('arrivals');
      const [m] = (await once(worker, 'message')) as [{ arrivals: number[] }];
      return m.arrivals;
    },
    close: () => worker.terminate(),
  };
}

describe('rate cap across the run', () => {
  it('never lets more than --rps requests arrive in any one-second window', async () => {
    const server = await startArrivalsServer();
    try {
      const docs = Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [
          `x/d${i}.md`,
          doc({ test: `${step('GET', `/a${i}`)}\n${step('GET', `/b${i}`).replace('id: s', 'id: s2')}` }),
        ]),
      );
      const out = await run(server, { docs, rps: 8, options: { concurrency: 6 } });
      expect(out.result.summary.pass).toBe(12);
      const times = (await server.arrivals()).sort((a, b) => a - b);
      expect(times).toHaveLength(24);
      const worst = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
      expect(worst).toBeLessThanOrEqual(8);
    } finally {
      await server.close();
    }
  });
});
