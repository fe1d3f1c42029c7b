import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { HttpFault } from '../../lambda/engine/ports.js';
import { type FaultServer, refusedPort, startFaultServer } from '../support/fault-server.js';

let server: FaultServer;
const clients: UndiciHttpClient[] = [];
const waits: number[] = [];

/** A client whose back-off sleeps are recorded, not waited: 429 tests stay quick and exact. */
function client(opts: Parameters<typeof createUndiciHttpClient>[0] = {}): UndiciHttpClient {
  const c = createUndiciHttpClient({
    rps: 0,
    timeoutMs: 2000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...opts,
  });
  clients.push(c);
  return c;
}

async function fault(p: Promise<unknown>): Promise<HttpFault> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpFault);
  return err as HttpFault;
}

beforeAll(async () => {
  server = await startFaultServer({ hugeBytes: 3 * 1024 * 1024 });
});
afterEach(async () => {
  server.reset();
  waits.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await server.close();
});

describe('429 handling', () => {
  it('honours Retry-After in seconds', async () => {
    const res = await client().send({
      method: 'POST',
      url: `${server.url}/429-then-ok?n=1&retry-after=2`,
      headers: {},
    });
    expect(res.status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(server.hits('/429-then-ok')).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    const res = await client().send({
      method: 'GET',
      url: `${server.url}/429-then-ok?n=1&retry-after=${encodeURIComponent(at)}`,
      headers: {},
    });
    expect(res.status).toBe(200);
    expect(waits).toHaveLength(1);
    // HTTP dates have one-second resolution: the wait is what remains until that second.
    expect(waits[0]).toBeGreaterThan(1000);
    expect(waits[0]).toBeLessThanOrEqual(3000);
  });

  it('backs off exponentially without Retry-After and gives up after 3 retries', async () => {
    const res = await client().send({ method: 'GET', url: `${server.url}/429`, headers: {} });
    expect(res.status).toBe(429);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server.hits('/429')).toHaveLength(4);
  });
});

describe('transport faults', () => {
  it('times out on slow headers; a GET is retried once', async () => {
    const f = await fault(
      client({ timeoutMs: 150 }).send({
        method: 'GET',
        url: `${server.url}/slow-headers?ms=3000`,
        headers: {},
      }),
    );
    expect(f.kind).toBe('timeout');
    expect(f.message).toContain('timeout after 150 ms');
    expect(server.hits('/slow-headers')).toHaveLength(2);
  });

  it('times out on a slow body', async () => {
    const f = await fault(
      client({ timeoutMs: 150 }).send({
        method: 'POST',
        url: `${server.url}/slow-body?ms=3000`,
        headers: {},
      }),
    );
    expect(f.kind).toBe('timeout');
  });

  it('never retries a POST after a timeout', async () => {
    await fault(
      client({ timeoutMs: 150 }).send({
        method: 'POST',
        url: `${server.url}/slow-headers?ms=3000`,
        headers: {},
      }),
    );
    expect(server.hits('/slow-headers')).toHaveLength(1);
  });

  it('maps a reset connection to reset; GET retried once, POST never', async () => {
    const c = client();
    const g = await fault(c.send({ method: 'GET', url: `${server.url}/reset-before-headers`, headers: {} }));
    expect(g.kind).toBe('reset');
    expect(server.hits('/reset-before-headers')).toHaveLength(2);
    server.reset();
    const p = await fault(
      c.send({
        method: 'POST',
        url: `${server.url}/reset-before-headers`,
        headers: {},
        body: { kind: 'json', text: '{}' },
      }),
    );
    expect(p.kind).toBe('reset');
    expect(server.hits('/reset-before-headers')).toHaveLength(1);
  });

  it('maps a refused connection to connect', async () => {
    const port = await refusedPort();
    const f = await fault(client().send({ method: 'PUT', url: `http://127.0.0.1:${port}/x`, headers: {} }));
    expect(f.kind).toBe('connect');
  });
});

describe('responses', () => {
  it('returns a redirect as a response and never follows it', async () => {
    const res = await client().send({
      method: 'GET',
      url: `${server.url}/redirect-other-host`,
      headers: { authorization: 'Bearer secret-token' },
    });
    expect(res.status).toBe(302);
    expect(server.hits('/landing', 'other')).toHaveLength(0);
  });

  it('keeps at most maxBodyBytes of a body and drains the rest', async () => {
    const c = client({ maxBodyBytes: 1000 });
    const res = await c.send({ method: 'GET', url: `${server.url}/huge`, headers: {} });
    expect(res.body).toHaveLength(1000);
    expect(res.truncated).toBe(true);
    expect(server.hugeBytesWritten).toBe(3 * 1024 * 1024);
    // The drained connection is still usable.
    expect((await c.send({ method: 'GET', url: `${server.url}/ok`, headers: {} })).status).toBe(200);
  });

  it('sends JSON bodies and headers as given', async () => {
    const res = await client().send({
      method: 'PATCH',
      url: `${server.url}/echo?a=1`,
      headers: { 'content-type': 'application/json', 'x-on-behalf-of': 'biz' },
      body: { kind: 'json', text: '{"x":1}' },
    });
    const echo = JSON.parse(res.body) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echo).toMatchObject({ method: 'PATCH', url: '/echo?a=1', body: '{"x":1}' });
    expect(echo.headers['x-on-behalf-of']).toBe('biz');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('encodes multipart form fields and files', async () => {
    const res = await client().send({
      method: 'POST',
      url: `${server.url}/echo`,
      headers: {},
      body: {
        kind: 'multipart',
        parts: [
          { name: 'form_data[fields][title]', value: 'Hello' },
          {
            name: 'f',
            filename: 'doc.pdf',
            contentType: 'application/pdf',
            data: new TextEncoder().encode('%PDF-1.4'),
          },
        ],
      },
    });
    const echo = JSON.parse(res.body) as { headers: Record<string, string>; body: string };
    const boundary = /boundary=(\S+)/.exec(echo.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeTruthy();
    expect(echo.body).toContain(
      'Content-Disposition: form-data; name="form_data[fields][title]"\r\n\r\nHello\r\n',
    );
    expect(echo.body).toContain(
      'name="f"; filename="doc.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n',
    );
    expect(echo.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});
