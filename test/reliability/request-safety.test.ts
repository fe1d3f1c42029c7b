// Requests the verifier must not send: DELETE unless allowed (the whole doc is skipped, none of its
// steps sent), and a second copy of a request that may have created data (non-GET after a timeout
// or a reset). The fault server counts what arrived.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { docText, docWithStep, okStep, stepsYaml } from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { removeTempDirs, runOnce } from './harness.js';

let fs: FaultServer;
let http: UndiciHttpClient;

beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 3000 });
  http = createUndiciHttpClient({ timeoutMs: 300, rps: 0 });
});
afterEach(() => fs.reset());
afterAll(async () => {
  await http.close();
  await fs.close();
  await removeTempDirs();
});

const DELETE_DOCS = {
  'del/test-step.md': docWithStep(okStep('remove', { method: 'DELETE', path: '/ok' })),
  'del/lowercase.md': docWithStep(okStep('remove', { method: 'delete', path: '/ok' })),
  // A GET before the DELETE: the doc is skipped as a whole, so even the GET is not sent.
  'del/prerequisite.md': docText({
    prerequisites: stepsYaml([
      okStep('look', { path: '/ok' }),
      okStep('clean', { method: 'DELETE', path: '/ok' }),
    ]),
  }),
};

describe('request safety', () => {
  it('skips a doc with any DELETE step as a whole, "deletes disabled", sending none of its steps', async () => {
    const out = await runOnce({ docs: DELETE_DOCS, baseUrl: fs.url, http });
    for (const id of Object.keys(DELETE_DOCS)) {
      expect(out.byDoc(id).outcome, id).toBe('skip');
      expect(out.byDoc(id).reason, id).toBe('deletes disabled');
    }
    expect(fs.requests).toEqual([]);
  });

  it('sends DELETE steps once when deletes are allowed', async () => {
    const out = await runOnce({ docs: DELETE_DOCS, baseUrl: fs.url, http, options: { allowDelete: true } });
    for (const id of Object.keys(DELETE_DOCS)) expect(out.byDoc(id).outcome, id).toBe('pass');
    expect(fs.requests.filter((r) => r.method === 'DELETE')).toHaveLength(3);
  });

  it('never repeats a POST, PUT, PATCH or DELETE that timed out or was reset; a GET is repeated once', async () => {
    const docs: Record<string, string> = {};
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'GET']) {
      docs[`retry/${method}-slow.md`] = docWithStep(
        okStep('call', {
          method,
          path: `/slow-headers?m=${method}`,
          ...(method === 'GET' ? {} : { body: { a: 1 } }),
        }),
      );
      docs[`retry/${method}-reset.md`] = docWithStep(
        okStep('call', {
          method,
          path: `/reset?m=${method}`,
          ...(method === 'GET' ? {} : { body: { a: 1 } }),
        }),
      );
    }
    const out = await runOnce({ docs, baseUrl: fs.url, http, options: { allowDelete: true } });
    for (const d of out.docs) expect(d.outcome, d.doc).toBe('error');
    const count = (path: string, method: string) => fs.hits(path).filter((r) => r.method === method).length;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(count('/slow-headers', method), `${method} timeout`).toBe(1);
      expect(count('/reset', method), `${method} reset`).toBe(1);
    }
    expect(count('/slow-headers', 'GET')).toBe(2);
    expect(count('/reset', 'GET')).toBe(2);
  });

  it('does not send the steps after a failed prerequisite, and does not repeat the failed one', async () => {
    const docs = {
      'abort/a.md': docText({
        prerequisites: stepsYaml([okStep('make', { method: 'POST', path: '/status/500', body: { a: 1 } })]),
        test: stepsYaml([okStep('after', { method: 'POST', path: '/echo', body: { b: 2 } })]),
      }),
    };
    const out = await runOnce({ docs, baseUrl: fs.url, http });
    expect(out.byDoc('abort/a.md').outcome).toBe('fail');
    expect(out.byDoc('abort/a.md').reason).toMatch(/make/);
    expect(fs.hits('/status/500')).toHaveLength(1);
    expect(fs.hits('/echo')).toHaveLength(0);
  });
});
