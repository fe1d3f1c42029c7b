// A local API on 127.0.0.1:0 that answers workflow docs plausibly: for a request that matches a doc
// step (method + path with `{{x}}` as one segment), it answers that step's expected status and a
// JSON body shaped so that the step's extract paths find a value. Never the spam signature.
// Every request is recorded, so tests can check what was sent (e.g. that no `{{` ever leaves).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSONPath } from 'jsonpath-plus';
import type { Doc, Step } from '../../lambda/engine/model.js';

export interface PlausibleRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PlausibleServer {
  /** `http://127.0.0.1:<port>`; mount points `/apigw`, `/api2`, `/partners-api` are stripped. */
  readonly url: string;
  readonly requests: readonly PlausibleRequest[];
  close(): Promise<void>;
}

export const MOUNTS = ['/apigw', '/api2', '/partners-api'] as const;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly step: Step;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function routeOf(step: Step): Route {
  const path = step.path.split('?')[0] ?? '';
  const source = path
    .split(/(\{\{[^}]*\}\})/)
    .map((part) => (part.startsWith('{{') ? '[^/]+' : escapeRegExp(part)))
    .join('');
  return { method: step.method, pattern: new RegExp(`^${source}/?$`), step };
}

/** Builds the smallest JSON value in which `path` (JSONPath) finds `leaf`. */
function skeleton(path: string, leaf: unknown): unknown {
  const segments = JSONPath.toPathArray(path).slice(1);
  const build = (i: number): unknown => {
    const seg = segments[i];
    if (seg === undefined) return leaf;
    const inner = build(i + 1);
    if (/^\d+$/.test(seg))
      return [...Array.from({ length: Number(seg) }, () => structuredClone(inner)), inner];
    if (seg === '*') return [inner];
    if (seg.startsWith('?(')) {
      const item = (inner && typeof inner === 'object' ? inner : {}) as Record<string, unknown>;
      for (const m of seg.matchAll(/@\.(\w+)\s*==\s*['"]?([^'"&)]*)['"]?/g)) if (m[1]) item[m[1]] = m[2];
      return [item];
    }
    return { [seg]: inner };
  };
  return build(0);
}

function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => merge(a[i], b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return a === undefined ? b : a;
}

function answerFor(
  method: string,
  path: string,
  routes: readonly Route[],
): { status: number; body: unknown } {
  const steps = routes.filter((r) => r.method === method && r.pattern.test(path)).map((r) => r.step);
  const expected = steps.flatMap((s) => s.expect);
  const status = expected.find((s) => s >= 200 && s < 300 && s !== 204) ?? expected[0] ?? 200;
  if (status < 200 || status >= 300)
    return { status, body: { success: false, errors: ['plausible refusal'] } };
  let body: unknown = { status: 'OK', data: { id: 1, uid: 'p-uid-1' } };
  for (const s of steps) {
    for (const [name, p] of Object.entries(s.extract)) {
      try {
        body = merge(skeleton(p, `p-${name.replace(/[^A-Za-z0-9]/g, '')}-1`), body);
      } catch {
        // An extract path the skeleton cannot shape: that step will fail its extract, plausibly.
      }
    }
  }
  return { status, body };
}

export async function startPlausibleServer(docs: readonly Doc[]): Promise<PlausibleServer> {
  const routes = docs.flatMap((d) => [...d.prerequisites, ...d.test].map(routeOf));
  const requests: PlausibleRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    let path = new URL(req.url ?? '/', 'http://x').pathname;
    const mount = MOUNTS.find((m) => path.startsWith(`${m}/`));
    if (mount) path = path.slice(mount.length);
    const { status, body } = answerFor(req.method ?? 'GET', path, routes);
    if (status === 204 || status === 304) {
      res.writeHead(status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
