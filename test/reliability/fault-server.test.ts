// The fault server's own behaviour: each route really injects its fault, so the suite built on it
// tests what it claims to test.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FaultServer,
  MB,
  refusedPort,
  startFaultServer,
  UNRESOLVABLE_HOST,
} from '../support/fault-server.js';

let fs: FaultServer;
beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 200, hugeBytes: 4 * MB });
});
afterAll(async () => fs.close());
beforeEach(() => fs.reset());

interface Got {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const got: Got = { headers: {}, body: '' };
    const done = (error?: NodeJS.ErrnoException) => {
      got.body = Buffer.concat(chunks).toString();
      if (error) got.error = error.code ?? error.message;
      resolve(got);
    };
    const req = request(url, { headers, agent: false }, (res) => {
      got.status = res.statusCode;
      got.headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done());
    });
    req.on('error', done);
    req.end();
  });
}

describe('fault server', () => {
  it('answers /ok with JSON and records the request with its headers', async () => {
    const got = await get(`${fs.url}/ok?x=1`, { authorization: 'Bearer abc' });
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toMatchObject({ data: { id: 1 } });
    expect(fs.hits('/ok')).toHaveLength(1);
    expect(fs.hits('/ok')[0]?.url).toBe('/ok?x=1');
    expect(fs.hits('/ok')[0]?.headers.authorization).toBe('Bearer abc');
  });

  it('delays headers on /slow-headers by the requested ms', async () => {
    const t0 = Date.now();
    const got = await get(`${fs.url}/slow-headers?ms=150`);
    expect(got.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('sends half a body then stalls on /slow-body', async () => {
    const got = await get(`${fs.url}/slow-body?ms=50`);
    expect(got.body).toBe('{"status":"OK","data":{"id":1}}');
  });

  it('resets the connection mid-body on /reset and before headers on /reset-before-headers', async () => {
    const mid = await get(`${fs.url}/reset`);
    expect(mid.status).toBe(200);
    expect(mid.error).toMatch(/ECONNRESET|aborted/);
    expect(mid.body.length).toBeLessThan(1000);
    const early = await get(`${fs.url}/reset-before-headers`);
    expect(early.status).toBeUndefined();
    expect(early.error).toBe('ECONNRESET');
  });

  it('trickles a body that never ends on /trickle, and answers non-HTTP bytes on /garbage', async () => {
    const req = request(`${fs.url}/trickle?ms=10`, { agent: false });
    const chunks: string[] = [];
    await new Promise<void>((resolve) => {
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          chunks.push(c.toString());
          if (chunks.length >= 5) {
            req.destroy();
            resolve();
          }
        });
      });
      req.end();
    });
    expect(chunks[0]).toBe('{"data":"');
    expect(chunks.slice(1).every((c) => /^\.+$/.test(c))).toBe(true);
    const deep = await get(`${fs.url}/deep-json?depth=3`);
    expect(deep.body).toBe('[[[1]]]');
    const garbage = await get(`${fs.url}/garbage`);
    expect(garbage.status).toBeUndefined();
    expect(garbage.error).toMatch(/HPE_|Parse Error/);
  });

  it('streams the configured huge body in full when read', async () => {
    const got = await get(`${fs.url}/huge`);
    expect(got.body.length).toBe(4 * MB);
    expect(fs.hugeBytesWritten).toBe(4 * MB);
  });

  it('serves invalid JSON under a JSON content type, and non-JSON bodies', async () => {
    const bad = await get(`${fs.url}/invalid-json`);
    expect(bad.headers['content-type']).toMatch(/application\/json/);
    expect(() => JSON.parse(bad.body)).toThrow();
    expect((await get(`${fs.url}/html`)).headers['content-type']).toBe('text/html');
    expect((await get(`${fs.url}/text`)).body).toBe('plain text, not json');
    expect((await get(`${fs.url}/empty`)).body).toBe('');
  });

  it('answers /status/<code> with that status', async () => {
    expect((await get(`${fs.url}/status/503`)).status).toBe(503);
    expect((await get(`${fs.url}/status/422`)).status).toBe(422);
  });

  it('storms 429 with and without Retry-After, and /429-then-ok recovers after n hits', async () => {
    const a = await get(`${fs.url}/429?retry-after=1`);
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('1');
    const b = await get(`${fs.url}/429`);
    expect(b.headers['retry-after']).toBeUndefined();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`${fs.url}/429-then-ok?n=2`)).status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('redirects to another host and to the same host, recording Authorization at the target', async () => {
    const other = await get(`${fs.url}/redirect-other-host`);
    expect(other.status).toBe(302);
    const location = String(other.headers.location);
    expect(new URL(location).host).not.toBe(new URL(fs.url).host);
    const landed = await get(location, { authorization: 'Bearer zzz' });
    expect(landed.status).toBe(200);
    expect(fs.hits('/landing', 'other')[0]?.headers.authorization).toBe('Bearer zzz');
    const same = await get(`${fs.url}/redirect-same-host`);
    expect(same.headers.location).toBe('/landing');
  });

  it('provides a refusing port and an unresolvable host', async () => {
    const port = await refusedPort();
    expect((await get(`http://127.0.0.1:${port}/`)).error).toBe('ECONNREFUSED');
    expect((await get(`http://${UNRESOLVABLE_HOST}/`)).error).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('in chaos mode answers unknown paths with deterministic faults, and keeps its routes', async () => {
    const sequence = async () => {
      const chaos = await startFaultServer({ chaos: true, slowMs: 50 });
      const seen: string[] = [];
      for (let i = 0; i < 30; i++) {
        const got = await get(`${chaos.url}/anything/${i}`);
        seen.push(got.status === undefined ? `error ${got.error}` : String(got.status));
      }
      seen.push(String((await get(`${chaos.url}/ok`)).status));
      await chaos.close();
      return seen;
    };
    const first = await sequence();
    expect(await sequence()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThanOrEqual(5);
    expect(first.at(-1)).toBe('200');
  });
});
