// A fault-injecting HTTP server on 127.0.0.1:0 for the reliability suite. Each route is one fault;
// every request is recorded (method, path, headers, body) so tests can assert what was — or was not —
// sent. Route parameters come from the query string so a workflow doc can pick them in its `path`.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Path with the query string, as received. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Which server received it: the fault server or its redirect target ("other host"). */
  readonly server: 'main' | 'other';
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** A second server reached through `http://localhost:<port>`: another host for redirects. */
  readonly otherUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests received on `path` (without query), by the main server unless `server` says otherwise. */
  hits(path: string, server?: 'main' | 'other'): readonly RecordedRequest[];
  /** The most body bytes one `/huge` response managed to write before its client stopped reading. */
  readonly hugeBytesWritten: number;
  reset(): void;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** Delay used by the slow routes when the request gives no `ms` (default 2000). */
  readonly slowMs?: number;
  /** Size of the `/huge` body (default 50 MB). */
  readonly hugeBytes?: number;
  /**
   * Answer every path that is not a route with a fault picked deterministically from the method,
   * URL and hit number (see CHAOS_FAULTS), instead of 404.
   */
  readonly chaos?: boolean;
}

/** What chaos mode answers, in the order a hash picks from. */
export const CHAOS_FAULTS = [
  'ok',
  'ok-list',
  'created',
  'status-500',
  'status-404',
  'status-422',
  'invalid-json',
  'html',
  'reset',
  'reset-before-headers',
  'slow-headers',
  '429-retry-after-0',
  'redirect-other-host',
  'empty',
] as const;

/** FNV-1a, so the same request always meets the same fault. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export const MB = 1024 * 1024;

/**
 * Routes (all answer any method):
 * - `/ok` 200 JSON `{"status":"OK","data":{"id":1,"items":[{"id":1}]}}`
 * - `/slow-headers?ms=N` waits N ms before the status line
 * - `/slow-body?ms=N` sends headers and half a JSON body, waits N ms, then the rest
 * - `/trickle?ms=N` sends headers, then one body byte every N ms (default 50) and never ends
 * - `/deep-json?depth=N` 200 JSON nested N arrays deep (default 100000)
 * - `/garbage` answers bytes that are not HTTP, then closes
 * - `/reset` sends headers and part of the body, then resets the connection (RST)
 * - `/reset-before-headers` resets the connection without answering
 * - `/huge` a `hugeBytes` JSON-typed body, streamed with backpressure
 * - `/invalid-json` 200 with `application/json` and a broken body
 * - `/html`, `/text`, `/empty` non-JSON or empty 200 bodies
 * - `/status/<code>` that status with a small JSON body (5xx, 4xx, 422 ...)
 * - `/429?retry-after=S` always 429, with Retry-After when given (seconds or an HTTP date)
 * - `/429-then-ok?n=K&retry-after=S` 429 for the first K hits of that path, then 200
 * - `/redirect-other-host` 302 to `<otherUrl>/landing`; `/redirect-same-host` 302 to `/landing`
 * - `/landing` 200 (on both servers), the recorded headers tell whether Authorization arrived
 * - `/platform/v1/messages` 422 `{"status":"Error","data":{}}`: the spam-flagged business (FORMAT.md §9);
 *   with `?trace=1` the body also carries `"trace": <the Authorization header>` (evidence redaction)
 * - `/echo` 200 echoing method, url, headers and body as JSON
 * - `/echo-escaped` the same, JSON-escaped the way PHP and Rails do (`\/`, `\u0026`, `\u003c`, `\u003e`)
 * - `/reflect` 401, plain text `invalid token: <the Authorization header as received>`
 * - anything else 404 JSON, or in chaos mode a fault of CHAOS_FAULTS
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const slowMs = options.slowMs ?? 2000;
  const hugeBytes = options.hugeBytes ?? 50 * MB;
  const requests: RecordedRequest[] = [];
  const counters = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let hugeBytesWritten = 0;
  let mainUrl = '';
  let otherUrl = '';

  const wait = (ms: number, res: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(!res.destroyed);
      }, ms);
      timers.add(t);
      res.once('close', () => {
        clearTimeout(t);
        timers.delete(t);
        resolve(false);
      });
    });

  const json = (res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...extra,
    });
    res.end(text);
  };

  const handle = async (
    server: 'main' | 'other',
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      if (size < 64 * 1024) chunks.push(c);
      size += c.length;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    requests.push({
      method: req.method ?? '',
      path,
      url: req.url ?? '',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
      server,
    });
    const hit = (counters.get(`${server} ${path}`) ?? 0) + 1;
    counters.set(`${server} ${path}`, hit);
    const q = url.searchParams;
    const ms = Number(q.get('ms') ?? slowMs);

    if (path === '/ok' || path === '/landing') {
      return json(res, 200, { status: 'OK', data: { id: 1, items: [{ id: 1 }] } });
    }
    if (path === '/platform/v1/messages') {
      const trace = q.get('trace') ? { trace: headers.authorization ?? '' } : {};
      return json(res, 422, { status: 'Error', data: {}, ...trace });
    }
    if (path === '/echo-escaped') {
      const text = JSON.stringify({ method: req.method, url: req.url, headers })
        .replace(/\//g, '\\/')
        .replace(/[&<>]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
      return;
    }
    if (path === '/reflect') {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`invalid token: ${headers.authorization ?? '(none)'}`);
      return;
    }
    if (path === '/echo') {
      return json(res, 200, {
        method: req.method,
        url: req.url,
        headers,
        body: Buffer.concat(chunks).toString(),
      });
    }
    if (path === '/slow-headers') {
      if (!(await wait(ms, res))) return;
      return json(res, 200, { status: 'OK', data: { id: 1 } });
    }
    if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"OK","data":');
      if (!(await wait(ms, res))) return;
      res.end('{"id":1}}');
      return;
    }
    if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":"');
      const every = Number(q.get('ms') ?? 50);
      while (await wait(every, res)) res.write('.');
      return;
    }
    if (path === '/deep-json') {
      const depth = Number(q.get('depth') ?? 100_000);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
      return;
    }
    if (path === '/garbage') {
      const socket = req.socket as Socket;
      socket.end('SMTP ready, not HTTP\r\n\r\n');
      return;
    }
    if (path === '/reset' || path === '/reset-before-headers') {
      if (path === '/reset') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"status":"OK","data":{"partial":"');
        if (!(await wait(20, res))) return;
      }
      (req.socket as Socket).resetAndDestroy();
      return;
    }
    if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(hugeBytes) });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let left = hugeBytes;
      let written = 0;
      while (left > 0 && !res.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        written += part.length;
        hugeBytesWritten = Math.max(hugeBytesWritten, written);
        if (!res.write(part)) {
          const [ev] = await Promise.race([once(res, 'drain'), once(res, 'close')]);
          if (ev === undefined && res.destroyed) return;
        }
      }
      if (!res.destroyed) res.end();
      return;
    }
    if (path === '/invalid-json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"status":"OK","data":{"id":1,');
      return;
    }
    if (path === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Gateway page</h1></body></html>');
      return;
    }
    if (path === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('plain text, not json');
      return;
    }
    if (path === '/empty') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) {
      const code = Number(status[1]);
      return json(res, code, { status: 'Error', error: `injected ${code}` });
    }
    if (path === '/429' || path === '/429-then-ok') {
      const n = Number(q.get('n') ?? Number.POSITIVE_INFINITY);
      if (path === '/429-then-ok' && hit > n) return json(res, 200, { status: 'OK', data: { id: 1 } });
      const ra = q.get('retry-after');
      return json(res, 429, { status: 'Error', error: 'Too Many Requests' }, ra ? { 'retry-after': ra } : {});
    }
    if (path === '/redirect-other-host') {
      res.writeHead(302, { location: `${otherUrl}/landing` });
      res.end();
      return;
    }
    if (path === '/redirect-same-host') {
      res.writeHead(302, { location: '/landing' });
      res.end();
      return;
    }
    if (options.chaos)
      return chaos(CHAOS_FAULTS[hash(`${req.method} ${req.url} ${hit}`) % CHAOS_FAULTS.length], req, res);
    return json(res, 404, { status: 'Error', error: 'Not Found' });
  };

  const chaos = async (
    fault: (typeof CHAOS_FAULTS)[number] | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const data = { id: 1, uid: 'u-1', items: [{ id: 1, uid: 'u-1' }], clients: [{ id: 1, uid: 'u-1' }] };
    switch (fault) {
      case 'ok':
        return json(res, 200, { status: 'OK', data });
      case 'ok-list':
        return json(res, 200, [{ id: 1, uid: 'u-1' }]);
      case 'created':
        return json(res, 201, { status: 'OK', data });
      case 'status-500':
      case 'status-404':
      case 'status-422':
        return json(res, Number(fault.slice(-3)), { status: 'Error', error: `chaos ${fault}` });
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": [');
        return;
      case 'html':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
        return;
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":');
        (req.socket as Socket).resetAndDestroy();
        return;
      case 'reset-before-headers':
        (req.socket as Socket).resetAndDestroy();
        return;
      case 'slow-headers':
        if (!(await wait(slowMs, res))) return;
        return json(res, 200, { status: 'OK', data });
      case '429-retry-after-0':
        return json(res, 429, { status: 'Error' }, { 'retry-after': '0' });
      case 'redirect-other-host':
        res.writeHead(302, { location: `${otherUrl}/landing` });
        res.end();
        return;
      default:
        res.writeHead(204);
        res.end();
        return;
    }
  };

  const make = (name: 'main' | 'other'): Server =>
    createServer((req, res) => {
      handle(name, req, res).catch(() => res.destroy());
    });
  const main = make('main');
  const other = make('other');
  // The other host is `localhost`, which may resolve to ::1 or 127.0.0.1: listen on every local address
  // (dual-stack where IPv6 exists).
  await Promise.all([listen(main), listen(other, null)]);
  mainUrl = `http://127.0.0.1:${(main.address() as AddressInfo).port}`;
  otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;

  return {
    url: mainUrl,
    otherUrl,
    requests,
    hits: (path, server = 'main') => requests.filter((r) => r.path === path && r.server === server),
    get hugeBytesWritten() {
      return hugeBytesWritten;
    },
    reset() {
      requests.length = 0;
      counters.clear();
      hugeBytesWritten = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([stop(main), stop(other)]);
    },
  };
}

async function listen(server: Server, host: string | null = '127.0.0.1'): Promise<void> {
  if (host === null) server.listen(0);
  else server.listen(0, host);
  await once(server, 'listening');
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port on 127.0.0.1 that refuses connections: bound once, then closed. */
export async function refusedPort(): Promise<number> {
  const s = createServer();
  await listen(s);
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A host name that never resolves (RFC 6761 reserves `.invalid`). */
export const UNRESOLVABLE_HOST = 'nonexistent.invalid';
