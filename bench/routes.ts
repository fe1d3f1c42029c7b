// The target server's answers, derived from the docs it serves: for each `METHOD path-template`, the
// status the docs expect and a JSON body in which every JSONPath they extract finds a value. With it,
// the verifier makes every request a doc describes, so verifier and floor do the same work.
import type { PlanDoc } from './doc-plan.js';

export interface RouteAnswer {
  readonly status: number;
  readonly body: string;
}

export interface RouteTable {
  /** `path` has no query and no gateway prefix. */
  match(method: string, path: string): RouteAnswer | undefined;
  readonly size: number;
}

/** The value the target returns for an extracted variable (the floor substitutes the same). */
export function extractedValue(variable: string): string {
  return `bench_${variable}`;
}

type Seg =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly n: number }
  | { readonly kind: 'filter'; readonly fields: Record<string, unknown> };

function filterFields(expr: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const cond of expr.split('&&')) {
    const m = /@\.(\w+)\s*(==|!=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?[\d.]+)|(true|false))/.exec(cond.trim());
    if (!m?.[1]) continue;
    const raw: unknown = m[3] ?? m[4] ?? (m[5] !== undefined ? Number(m[5]) : m[6] === 'true');
    const op = m[2];
    if (op === '==') fields[m[1]] = raw;
    else if (op === '!=') fields[m[1]] = typeof raw === 'number' ? raw + 1 : `not_${String(raw)}`;
    else if (op === '>') fields[m[1]] = Number(raw) + 1;
    else fields[m[1]] = Number(raw) - 1;
  }
  return fields;
}

/** `$.data.clients[0].id`, `$[0].uid`, `$.a['b'][?(@.k == 'v')].c` → segments; undefined if unsupported. */
export function parseJsonPath(path: string): Seg[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segs: Seg[] = [];
  const re = /\.(\w+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]|\[\?\((.*?)\)\]|\[\*\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    const key = m[1] ?? m[3] ?? m[4];
    if (key !== undefined) segs.push({ kind: 'key', key });
    else if (m[2] !== undefined) segs.push({ kind: 'index', n: Number(m[2]) });
    else if (m[5] !== undefined) segs.push({ kind: 'filter', fields: filterFields(m[5]) });
    else segs.push({ kind: 'index', n: 0 });
  }
  return segs;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Returns `node` extended so that `segs` finds `leaf` (an existing value at the leaf is kept). */
export function assignPath(node: unknown, segs: readonly Seg[], leaf: unknown): unknown {
  const [s, ...rest] = segs;
  if (!s) return node === undefined || node === null ? leaf : node;
  if (s.kind === 'key') {
    const obj = isObject(node) ? node : {};
    obj[s.key] = assignPath(obj[s.key], rest, leaf);
    return obj;
  }
  const arr: unknown[] = Array.isArray(node) ? node : [];
  const i = s.kind === 'index' ? s.n : 0;
  while (arr.length < i) arr.push(null);
  let el = arr[i];
  if (s.kind === 'filter') el = Object.assign(isObject(el) ? el : {}, s.fields);
  arr[i] = assignPath(el, rest, leaf);
  return arr;
}

function templateKey(method: string, path: string): string {
  const bare = path.split('?')[0] ?? '';
  return `${method} ${bare.replace(/\{\{[^}]*\}\}/g, '*')}`;
}

function templateRegex(key: string): RegExp {
  const path = key.slice(key.indexOf(' ') + 1);
  const parts = path.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

interface Acc {
  statuses: Map<number, number>;
  body: unknown;
}

/** Builds the answers for every step of every doc (runnable or not: answering costs nothing). */
export function buildRoutes(docs: readonly PlanDoc[]): RouteTable {
  const acc = new Map<string, Acc>();
  for (const doc of docs) {
    for (const step of doc.steps) {
      const key = templateKey(step.method, step.path);
      const a = acc.get(key) ?? { statuses: new Map(), body: undefined };
      a.statuses.set(step.status, (a.statuses.get(step.status) ?? 0) + 1);
      for (const [variable, jsonPath] of Object.entries(step.extract)) {
        const segs = parseJsonPath(jsonPath);
        if (segs) a.body = assignPath(a.body, segs, extractedValue(variable));
      }
      acc.set(key, a);
    }
  }
  const exact = new Map<string, RouteAnswer>();
  const patterns: { re: RegExp; method: string; literal: number; answer: RouteAnswer }[] = [];
  for (const [key, a] of acc) {
    const status = [...a.statuses].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 200;
    const body =
      isObject(a.body) || a.body === undefined ? { status: 'OK', data: {}, ...(a.body ?? {}) } : a.body;
    const answer = { status, body: JSON.stringify(body) };
    if (!key.includes('*')) exact.set(key, answer);
    else {
      const method = key.slice(0, key.indexOf(' '));
      patterns.push({ re: templateRegex(key), method, literal: key.replace(/\*/g, '').length, answer });
    }
  }
  patterns.sort((x, y) => y.literal - x.literal);
  return {
    size: acc.size,
    match(method, path) {
      const hit = exact.get(`${method} ${path}`);
      if (hit) return hit;
      for (const p of patterns) if (p.method === method && p.re.test(path)) return p.answer;
      return undefined;
    },
  };
}
