// Hostile docs: paths that try to leave the target, header values that would split a request,
// unbounded sleeps, YAML bombs and oversized or binary files. Each is invalid, and the target
// records no request at all.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import {
  CRLF_HEADERS,
  docText,
  docWithStep,
  hugeDoc,
  okStep,
  stepsYaml,
  suspiciousPaths,
  unsafePaths,
  yamlBomb,
} from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { removeTempDirs, runOnce, TEST_CREDENTIALS } from './harness.js';

let fs: FaultServer;
let http: UndiciHttpClient;
let otherHost: string;

beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 100 });
  otherHost = new URL(fs.otherUrl).host;
  http = createUndiciHttpClient({ timeoutMs: 300, rps: 0 });
});
afterEach(() => fs.reset());
afterAll(async () => {
  await http.close();
  await fs.close();
  await removeTempDirs();
});

const named = (texts: readonly string[]): Record<string, string> =>
  Object.fromEntries(texts.map((t, i) => [`hostile/${String(i).padStart(2, '0')}.md`, t]));

async function runHostile(
  docs: Record<string, string>,
  params: Record<string, unknown> = {},
  client: UndiciHttpClient = http,
) {
  return runOnce({
    docs,
    baseUrl: `${fs.url}/base`,
    http: client,
    credentials: { tokens: TEST_CREDENTIALS.tokens, params: { ...TEST_CREDENTIALS.params, ...params } },
  });
}

/**
 * A client of its own for tests whose docs may upset the transport, so a broken client cannot hang the
 * other tests. Not awaited on close: a client with stuck requests never finishes closing.
 */
async function withOwnClient<T>(fn: (client: UndiciHttpClient) => Promise<T>): Promise<T> {
  const client = createUndiciHttpClient({ timeoutMs: 300, rps: 0 });
  try {
    return await fn(client);
  } finally {
    void client.close().catch(() => {});
  }
}

/** Fails fast with a clear message instead of a test timeout when a run hangs. */
function withinSeconds<T>(seconds: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not finish within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

function expectAllInvalid(out: Awaited<ReturnType<typeof runHostile>>, docs: Record<string, string>) {
  const outcomes = Object.fromEntries(out.docs.map((d) => [d.doc, d.outcome]));
  const expected = Object.fromEntries(Object.keys(docs).map((id) => [id, 'invalid']));
  expect(outcomes).toEqual(expected);
}

describe('hostile docs', () => {
  it('makes every path that tries to leave the target invalid, before any request', async () => {
    const paths = unsafePaths(otherHost);
    const docs = named(paths.map((p) => docWithStep(okStep('escape', { path: p }))));
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    for (const d of out.docs) expect(d.reason, d.doc).toMatch(/path/i);
    expect(fs.requests).toEqual([]);
  });

  it('makes a path that leaves the target through a variable invalid at run time, before any request', async () => {
    const docs = named([
      docWithStep(okStep('abs', { path: '{{next}}' })),
      docWithStep(okStep('proto', { path: '{{proto_rel}}' })),
      docWithStep(okStep('enc', { path: '/ok/{{enc}}' })),
      docWithStep(okStep('bs', { path: '/{{bs}}' })),
    ]);
    const out = await runHostile(docs, {
      next: `http://${otherHost}/ok`,
      proto_rel: `//${otherHost}/ok`,
      enc: '%2e%2e/%2e%2e/landing',
      bs: `\\${otherHost}/ok`,
    });
    expect(fs.requests.filter((r) => r.server === 'other')).toEqual([]);
    expect(fs.requests.filter((r) => !r.path.startsWith('/base/')).map((r) => r.path)).toEqual([]);
    expectAllInvalid(out, docs);
    expect(fs.requests).toEqual([]);
  });

  it('keeps odd but joinable paths on the target origin under the base path', async () => {
    const docs = named(suspiciousPaths(otherHost).map((p) => docWithStep(okStep('odd', { path: p }))));
    const out = await runHostile(docs);
    expect(out.docs).toHaveLength(Object.keys(docs).length);
    expect(fs.requests.filter((r) => r.server === 'other')).toEqual([]);
    for (const r of fs.requests) expect(r.path, r.url).toMatch(/^\/base\//);
  });

  it('makes header names or values with CR, LF or NUL invalid, before any request', async () => {
    const docs = named(CRLF_HEADERS.map((h) => docWithStep(okStep('split', { headers: h }))));
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    expect(fs.requests).toEqual([]);
  });

  it('never sends the token to another virtual host through a Host header', async () => {
    const docs = named([
      docWithStep(
        okStep('vhost', { method: 'POST', path: '/echo', body: { a: 1 }, headers: { Host: otherHost } }),
      ),
      docWithStep(okStep('vhost', { path: '/echo', headers: { host: 'evil.example' } })),
    ]);
    await runHostile(docs);
    const configured = new URL(fs.url).host;
    expect(fs.requests.filter((r) => r.headers.host !== configured).map((r) => r.headers.host)).toEqual([]);
  });

  it('makes headers that would change request framing invalid (a doc problem, not a target error)', async () => {
    const framing = [{ 'Content-Length': '0' }, { 'Transfer-Encoding': 'chunked' }, { Upgrade: 'websocket' }];
    const docs = named(
      framing.map((h) =>
        docWithStep(okStep('frame', { method: 'POST', path: '/echo', body: { a: 1 }, headers: h })),
      ),
    );
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    expect(fs.requests).toEqual([]);
  });

  it('makes header values HTTP cannot carry (U+2028, emoji) invalid, before any request', async () => {
    const docs = named(
      ['a\u2028b', 'smile \u{1F600}', '\u0100'].flatMap((v) => [
        docWithStep(okStep('odd', { headers: { 'X-Test': v } })),
      ]),
    );
    const out = await withOwnClient((client) => withinSeconds(5, runHostile(docs, {}, client)));
    expectAllInvalid(out, docs);
    expect(fs.requests).toEqual([]);
  });

  it('never sends a header split by a value that arrives through a variable', async () => {
    const docs = named([docWithStep(okStep('split', { headers: { 'X-Test': '{{evil}}' } }))]);
    const out = await runHostile(docs, { evil: 'a\r\nX-Injected: 1' });
    expect(out.docs[0]?.outcome).not.toBe('pass');
    expect(fs.requests.filter((r) => 'x-injected' in r.headers)).toEqual([]);
    expect(fs.requests).toEqual([]);
  });

  it('makes an unbounded or negative sleep invalid, before any request', async () => {
    const sleeps = [60_001, 99_999_999, 1e308, '.inf', -1];
    const docs = named(
      sleeps.map((s) =>
        docText({
          test: `${stepsYaml([okStep('first'), okStep('second')])}`.replace(
            '    path: /ok\n',
            `    path: /ok\n    sleep: ${s}\n`,
          ),
        }),
      ),
    );
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    for (const d of out.docs) expect(d.reason, d.doc).toMatch(/sleep/);
    expect(fs.requests).toEqual([]);
  });

  it('rejects YAML bombs in the frontmatter, a body and the steps list as invalid, quickly', {
    timeout: 10_000,
  }, async () => {
    const bomb = yamlBomb(10, 10);
    const inBody = bomb
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n');
    const docs = named([
      docText({ frontmatter: `endpoint: "GET /ok"\ndomain: reliability\nstatus: verified\n${bomb}\n` }),
      docText({ test: `${stepsYaml([okStep('bomb', { method: 'POST' })])}    body:\n${inBody}\n` }),
      docText({ test: `${bomb}\nsteps: [*a9, *a9]\n` }),
    ]);
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    for (const d of out.docs) expect(d.reason, d.doc).toMatch(/alias|bomb/i);
    expect(fs.requests).toEqual([]);
  });

  it('makes a 10 MB doc and a binary doc invalid, before any request', async () => {
    const docs = named([hugeDoc(10 * 1024 * 1024), `---\nstatus: verified\n---\n\u0000\u0001\u0002binary`]);
    const out = await runHostile(docs);
    expectAllInvalid(out, docs);
    expect(fs.requests).toEqual([]);
  });

  it('never lets any generated path, written or arriving through a variable, leave the base path', async () => {
    let sent = 0;
    const piece = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2E',
      '%2f',
      '%5c',
      '@',
      '\\',
      ':',
      '?',
      '#',
      'a',
      'ok',
      otherHost,
    );
    const path = fc
      .tuple(fc.constantFrom('', '/', '//', '/.'), fc.array(piece, { maxLength: 8 }))
      .map(([p, xs]) => p + xs.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(path, { minLength: 1, maxLength: 6 }), async (paths) => {
        fs.reset();
        const docs = named(
          paths.flatMap((p, i) => [
            docWithStep(okStep('written', { path: p })),
            docWithStep(okStep('carried', { path: `/{{p${i}}}` })),
          ]),
        );
        const params = Object.fromEntries(paths.map((p, i) => [`p${i}`, p]));
        const out = await runHostile(docs, params);
        expect(out.docs).toHaveLength(paths.length * 2);
        sent += fs.requests.length;
        const escaped = fs.requests.filter((r) => r.server !== 'main' || !/^\/base(\/|$)/.test(r.path));
        expect(escaped.map((r) => r.url)).toEqual([]);
      }),
      { seed: 7_2026_1125, numRuns: 25 },
    );
    // Joinable paths were generated too, so the property saw real requests.
    expect(sent).toBeGreaterThan(10);
  });

  it('never lets a generated header value, written or via a variable, add a header to the request', async () => {
    const ALLOWED = new Set([
      'host',
      'connection',
      'accept',
      'user-agent',
      'authorization',
      'x-gen',
      'content-type',
      'content-length',
    ]);
    const piece = fc.constantFrom(
      'a',
      ':',
      ' ',
      '\r',
      '\n',
      '\r\n',
      '\u0000',
      '\t',
      'X-Injected: 1',
      '\u0085',
      '\u2028',
      'é',
    );
    const value = fc.array(piece, { minLength: 1, maxLength: 6 }).map((xs) => xs.join(''));
    let sent = 0;
    await withOwnClient((client) =>
      fc.assert(
        fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 5 }), async (values) => {
          fs.reset();
          const docs = named(
            values.flatMap((v, i) => [
              docWithStep(okStep('written', { path: '/echo', headers: { 'X-Gen': v } })),
              docWithStep(okStep('carried', { path: '/echo', headers: { 'X-Gen': `{{h${i}}}` } })),
            ]),
          );
          const out = await withinSeconds(
            5,
            runHostile(docs, Object.fromEntries(values.map((v, i) => [`h${i}`, v])), client),
          );
          expect(out.docs).toHaveLength(values.length * 2);
          sent += fs.requests.length;
          for (const r of fs.requests)
            expect(Object.keys(r.headers).filter((h) => !ALLOWED.has(h))).toEqual([]);
        }),
        { seed: 7_2026_1125, numRuns: 25, endOnFailure: true },
      ),
    );
    expect(sent).toBeGreaterThan(10);
  });
});
