// undici-lite: undici's Agent and request() by deep path. Fails if an undici upgrade moves the deep
// modules, if request() stops behaving like undici's own, or if the adapters pull undici's index
// (fetch, WebSocket, mocks: ~520 KB) back into the bundle.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as undici from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from '../../lambda/adapters/http/undici-lite.js';
import { REPO_ROOT } from '../../lib/constructs/node-function.js';
import { LAMBDA_BUNDLE } from '../../lib/lambda-bundle.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let seen: Seen[] = [];
const agent = new Agent({ keepAliveTimeout: 1000 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(201, { 'content-type': 'application/json', 'x-echo': req.headers['x-in'] ?? '' });
      res.end(JSON.stringify({ got: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('undici-lite', () => {
  it('is the same Agent class as the undici index exports (the deep path still points at it)', () => {
    expect(Agent).toBe(undici.Agent);
    expect(agent).toBeInstanceOf(undici.Dispatcher);
  });

  it('sends method, path with query, headers and body, and returns status, headers and body', async () => {
    seen = [];
    const res = await request(`${base}/items/7?x=1&y=%20`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-in': 'abc' },
      body: '{"a":1}',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-echo']).toBe('abc');
    expect(await res.body.json()).toEqual({ got: '/items/7?x=1&y=%20' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/items/7?x=1&y=%20', body: '{"a":1}' });
    expect(seen[0]?.headers['x-in']).toBe('abc');
  });

  it('defaults the method as undici does: GET without a body, PUT with one; accepts a URL object', async () => {
    seen = [];
    const a = await request(new URL(`${base}/a#frag`), { dispatcher: agent });
    await a.body.dump();
    const b = await request(`${base}/b`, { dispatcher: agent, body: 'x' });
    await b.body.dump();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /a', 'PUT /b']);
  });

  it('rejects a non-HTTP URL and an unparseable one with the same errors as undici.request', async () => {
    const lite = await request('ftp://127.0.0.1/x', { dispatcher: agent }).catch((e: unknown) => e);
    const real = await (async () => undici.request('ftp://127.0.0.1/x', { dispatcher: agent }))().catch(
      (e: unknown) => e,
    );
    expect(lite).toBeInstanceOf(undici.errors.InvalidArgumentError);
    expect((lite as Error).message).toBe((real as Error).message);
    const bad = await request('not a url', { dispatcher: agent }).catch((e: unknown) => e);
    const realBad = await (async () => undici.request('not a url', { dispatcher: agent }))().catch(
      (e: unknown) => e,
    );
    expect((bad as Error).name).toBe((realBad as Error).name);
    expect((bad as { code?: string }).code).toBe((realBad as { code?: string }).code);
  });

  it('honours the abort signal', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    const err = await request(`${base}/never`, { dispatcher: agent, signal: ac.signal }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('stop');
  });

  it('keeps the undici index out of a bundle of the HTTP and webhook adapters', async () => {
    const result = await build({
      absWorkingDir: REPO_ROOT,
      stdin: {
        contents: `export * from './lambda/adapters/http/undici-client.ts';
          export * from './lambda/adapters/webhook/webhook-sink.ts';`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      write: false,
      bundle: true,
      platform: 'node',
      minify: true,
      format: LAMBDA_BUNDLE.format,
      target: LAMBDA_BUNDLE.target,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      external: [...LAMBDA_BUNDLE.external],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain(join('node_modules/undici/lib/dispatcher/agent.js'));
    expect(inputs).toContain(join('node_modules/undici/lib/api/api-request.js'));
    expect(inputs).not.toContain(join('node_modules/undici/index.js'));
    // fetch itself and WebSocket (a request body may still use fetch's body helpers).
    expect(inputs).not.toContain(join('node_modules/undici/lib/web/fetch/index.js'));
    expect(inputs.some((f) => f.includes('undici/lib/web/websocket'))).toBe(false);
    expect(inputs.some((f) => f.includes('undici/lib/mock'))).toBe(false);
  });
});
