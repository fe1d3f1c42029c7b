// While the docs in flight wait on the network, the next docs are read, parsed and linted, so a free
// slot sends at once; none is prepared once the run is stopping.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { DocSource } from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import { cleanTempDirs, doc, recordingClock, TOKENS, tempDir } from '../support/run-harness.js';

const held: (() => void)[] = [];
const arrived: string[] = [];
const server = createServer((req, res) => {
  arrived.push(req.url ?? '');
  const answer = () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"OK","data":{}}');
  };
  // /hold/... waits for the test to let it go; anything else answers at once.
  if (req.url?.startsWith('/apigw/hold')) held.push(answer);
  else answer();
});
let url = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const release of held.splice(0)) release();
  arrived.length = 0;
  await cleanTempDirs();
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const getStep = (path: string) => `  - id: s\n    method: GET\n    path: "${path}"`;

/**
 * Records every read. With `failFirst`, a doc's first read (pass one's) fails, so its text is not kept
 * and the read that prepares it shows when it happens.
 */
function recordingDocs(docs: Record<string, string>, failFirst = false): DocSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    list: async () => Object.keys(docs).sort(),
    read: async (id) => {
      const first = !reads.includes(id);
      reads.push(id);
      if (failFirst && first) throw new Error('not yet');
      const text = docs[id];
      if (text === undefined) throw new Error(`no doc ${id}`);
      return text;
    },
  };
}

async function start(
  docs: DocSource,
  shouldStop?: () => boolean,
  concurrency = 1,
  onSend?: (path: string) => void,
) {
  const client = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
  // The real client; onSend hears each request as the runner hands it over, before it is written.
  const http: typeof client = {
    send: (req, signal) => {
      onSend?.(new URL(req.url).pathname);
      return client.send(req, signal);
    },
    close: () => client.close(),
  };
  const result = runDocs(
    { baseUrl: `${url}/apigw`, credentials: { tokens: TOKENS, params: {} } },
    { runId: 'run-1', allowDelete: false, concurrency },
    {
      docs,
      http,
      store: createLocalStateStore({ dir: await tempDir() }),
      clock: recordingClock(),
      ...(shouldStop ? { shouldStop } : {}),
    },
  );
  return { result: result.finally(() => http.close()) };
}

describe('look-ahead', () => {
  it('reads and prepares the next docs while the one in flight waits on the network', async () => {
    const docs = recordingDocs(
      {
        'c/a.md': doc({ test: getStep('/hold/a') }),
        'c/b.md': doc({ test: getStep('/b') }),
        'c/c.md': doc({ test: getStep('/c') }),
      },
      true,
    );
    const run = await start(docs);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    // Pass one read every doc once (and failed); with /hold/a unanswered, b (the next doc) is read
    // again for its run: prepared ahead of its turn.
    await vi.waitFor(() => expect(docs.reads.filter((id) => id === 'c/b.md')).toHaveLength(2));
    expect(arrived).toEqual(['/apigw/hold/a']);
    held.shift()?.();
    const result = await run.result;
    expect(result.summary).toMatchObject({ pass: 3, total: 3 });
    expect(arrived).toEqual(['/apigw/hold/a', '/apigw/b', '/apigw/c']);
    // Each doc was read once for pass one and once for its run: nothing was prepared twice.
    expect(docs.reads.filter((id) => id === 'c/c.md')).toHaveLength(2);
  });

  it('reads each doc once: the text pass one read is the text the doc runs with', async () => {
    const docs = recordingDocs(
      Object.fromEntries(['a', 'b', 'c'].map((n) => [`c/${n}.md`, doc({ test: getStep(`/${n}`) })])),
    );
    const run = await start(docs);
    expect((await run.result).summary).toMatchObject({ pass: 3, total: 3 });
    expect(docs.reads.sort()).toEqual(['c/a.md', 'c/b.md', 'c/c.md']);
  });

  it('a doc prepared ahead is still skipped when the run stops before its turn, and sends nothing', async () => {
    const ids = ['a', 'b', 'c', 'd'].map((n) => `c/${n}.md`);
    const docs = recordingDocs(
      Object.fromEntries(ids.map((id) => [id, doc({ test: getStep(`/${id.slice(2, 3)}`) })])),
    );
    let calls = 0;
    // The run stops after the first doc: b was prepared during a's request.
    const run = await start(docs, () => calls++ >= 1);
    const result = await run.result;
    expect(result.summary).toMatchObject({ pass: 1, skip: 3, total: 4 });
    expect(arrived).toEqual(['/apigw/a']);
    for (const id of Object.keys(docs))
      expect(docs.reads.filter((r) => r === id).length).toBeLessThanOrEqual(2);
  });

  it('never prepares a doc whose turn came first: each doc is read once for pass one and once to run', async () => {
    // Slot one holds /hold/a; slot two runs the other docs back to back while the look-ahead (one doc
    // per event-loop turn) walks ahead of both: a doc is prepared by the look-ahead or by its own turn,
    // never by both.
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const docs = recordingDocs(
      Object.fromEntries(
        names.map((n) => [`c/${n}.md`, doc({ test: getStep(n === 'a' ? '/hold/a' : `/${n}`) })]),
      ),
      true,
    );
    const run = await start(docs, undefined, 2);
    await vi.waitFor(() => expect(arrived).toHaveLength(names.length));
    held.shift()?.();
    expect((await run.result).summary).toMatchObject({ pass: names.length, total: names.length });
    for (const n of names) expect(docs.reads.filter((id) => id === `c/${n}.md`)).toHaveLength(2);
  });

  it('at the start of a run, the first request leaves before the second doc is read; nothing is lost', async () => {
    const log: string[] = [];
    const names = ['a', 'b', 'c', 'd', 'e'];
    const docs = recordingDocs(
      Object.fromEntries(names.map((n) => [`c/${n}.md`, doc({ test: getStep(`/${n}`) })])),
      true,
    );
    const read = docs.read;
    docs.read = (id) => {
      log.push(`read ${id}`);
      return read(id);
    };
    const run = await start(docs, undefined, 3, (path) => log.push(`send ${path}`));
    const result = await run.result;
    // Pass one read every doc (and failed, so each is read again to run it). The first request does
    // not wait for the docs of the other slots to be read and parsed.
    const secondRead = (id: string) => log.indexOf(`read ${id}`, log.indexOf(`read ${id}`) + 1);
    expect(log.indexOf('send /apigw/a')).toBeLessThan(secondRead('c/b.md'));
    // Nothing lost: every doc ran once, every request arrived once, every result was recorded.
    expect(result.summary).toMatchObject({ pass: names.length, total: names.length });
    expect([...arrived].sort()).toEqual(names.map((n) => `/apigw/${n}`));
  });
});
