// The HTTP client stays healthy through requests it refuses or loses: a request undici will not send
// (a header value HTTP cannot carry), connections reset or timed out by the hundred. Afterwards a plain
// request still gets its answer, and every request settles within its timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { type HttpClient, HttpFault } from '../../lambda/engine/ports.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { removeTempDirs, runOnce } from './harness.js';

let fs: FaultServer;
beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 2000 });
});
afterAll(async () => {
  await fs.close();
  await removeTempDirs();
});

const TIMEOUT_MS = 300;

/** Settles like `send`, or says it hung: a bound far above the timeout, so only a real hang trips it. */
async function settle(http: HttpClient, path: string, headers: Record<string, string> = {}): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('hung'), TIMEOUT_MS * 10);
  });
  const sent = http.send({ method: 'GET', url: `${fs.url}${path}`, headers }).then(
    (r) => `status ${r.status}`,
    (e: unknown) => (e instanceof HttpFault ? `fault ${e.kind}` : `thrown ${String(e)}`),
  );
  return Promise.race([sent, hung]).finally(() => clearTimeout(timer));
}

describe('HTTP client health', () => {
  it('keeps answering after many requests it refused to send', async () => {
    const http = createUndiciHttpClient({ timeoutMs: TIMEOUT_MS, rps: 0 });
    const refused: string[] = [];
    for (let i = 0; i < 24 && !refused.includes('hung'); i++) {
      refused.push(await settle(http, '/ok', { 'x-bad': 'a\u2028b' }));
    }
    expect(new Set(refused)).toEqual(new Set(['fault other']));
    expect(await settle(http, '/ok')).toBe('status 200');
    void http.close().catch(() => {});
  });

  it('keeps answering after many resets and timeouts', async () => {
    const http = createUndiciHttpClient({ timeoutMs: TIMEOUT_MS, rps: 0 });
    const faults = await Promise.all([
      ...Array.from({ length: 20 }, () => settle(http, '/reset')),
      ...Array.from({ length: 20 }, () => settle(http, '/reset-before-headers')),
      ...Array.from({ length: 20 }, () => settle(http, '/slow-headers?ms=2000')),
    ]);
    // Which fault each one meets depends on the machine's load (a queued request may time out before
    // its reset arrives); what matters is that every one settled as a fault and nothing hung.
    for (const f of faults) expect(['fault reset', 'fault timeout']).toContain(f);
    expect(await settle(http, '/ok')).toBe('status 200');
    void http.close().catch(() => {});
  });

  it('finishes a run whose token HTTP cannot carry (a pasted curly quote): every doc gets an outcome', async () => {
    const http = createUndiciHttpClient({ timeoutMs: TIMEOUT_MS, rps: 0 });
    const docs: Record<string, string> = {};
    for (let i = 0; i < 24; i++)
      docs[`q/d-${String(i).padStart(2, '0')}.md`] = docWithStep(okStep('c', { path: `/ok?i=${i}` }));
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 5000);
    });
    const run = runOnce({
      docs,
      baseUrl: fs.url,
      http,
      credentials: { tokens: { staff: 'tok\u2019pasted-1a2b3c4d' }, params: {} },
      options: { concurrency: 4 },
    });
    const out = await Promise.race([run, hung]).finally(() => clearTimeout(timer));
    expect(out).not.toBe('hung');
    if (out !== 'hung') {
      expect(out.docs).toHaveLength(24);
      for (const d of out.docs) expect(d.outcome, d.doc).not.toBe('pass');
    }
    void http.close().catch(() => {});
  });
});
