// The benchmark's target: a real HTTP server on 127.0.0.1 that answers every request after a fixed
// latency, from a route table built from the docs, and records when each request arrived (for the
// rate-cap check and the CLI start-up measurement).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from './routes.js';

/** Gateway prefixes the bench points the verifier at; stripped before route matching. */
export const PREFIXES = { base: '/apigw', fallback: '/api2', partners: '/partners-gw' } as const;

export interface TargetServerOptions {
  /** Per-request latency before the answer is sent (default 20 ms). */
  readonly latencyMs?: number;
  readonly routes: RouteTable;
}

export interface TargetStats {
  readonly requests: number;
  /** Requests that matched no route (404). */
  readonly unmatched: number;
  /** Requests whose URL or body still contained `{{`. */
  readonly literalBraces: number;
  /** `performance.now()` of the first request since the last reset, in this process. */
  readonly firstAt?: number;
  /** `performance.now()` of the last request since the last reset, in this process. */
  readonly lastAt?: number;
  /** The most requests that arrived in any `windowMs` sliding window. */
  maxInWindow(windowMs?: number): number;
  /** Each request's `performance.now()` at arrival, ascending. */
  readonly arrivals?: readonly number[];
}

export interface TargetServer {
  readonly origin: string;
  readonly baseUrl: string;
  readonly fallbackUrl: string;
  readonly partnersUrl: string;
  stats(): TargetStats;
  /** Forgets every recorded request (between workloads). */
  reset(): void;
  close(): Promise<void>;
}

/** The largest number of times (ms, ascending) that fit in any half-open window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function stripPrefix(path: string): string {
  for (const p of Object.values(PREFIXES)) {
    if (path === p || path.startsWith(`${p}/`)) return path.slice(p.length) || '/';
  }
  return path;
}

export async function startTargetServer(options: TargetServerOptions): Promise<TargetServer> {
  const latencyMs = options.latencyMs ?? 20;
  let times: number[] = [];
  let unmatched = 0;
  let literalBraces = 0;

  const answer = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = req.url ?? '/';
    if (url.includes('{{') || url.includes('%7B%7B') || body.includes('{{')) literalBraces++;
    const path = stripPrefix(url.split('?')[0] ?? '/');
    const hit = options.routes.match(req.method ?? 'GET', path);
    if (!hit) unmatched++;
    const status = hit?.status ?? 404;
    const text = hit?.body ?? '{"status":"Error","error":"Not found"}';
    setTimeout(() => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    }, latencyMs);
  };

  const server = createServer((req, res) => {
    times.push(performance.now());
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    baseUrl: `${origin}${PREFIXES.base}`,
    fallbackUrl: `${origin}${PREFIXES.fallback}`,
    partnersUrl: `${origin}${PREFIXES.partners}`,
    stats() {
      const snapshot = [...times];
      return {
        requests: snapshot.length,
        unmatched,
        literalBraces,
        firstAt: snapshot[0],
        lastAt: snapshot.at(-1),
        maxInWindow: (windowMs = 1000) => maxInWindow(snapshot, windowMs),
        arrivals: snapshot,
      };
    },
    reset() {
      times = [];
      unmatched = 0;
      literalBraces = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
