// Turns doc plans into the concrete requests the floor script replays: variables substituted with the
// values the target would give, URLs routed like the verifier routes them, auth headers set. This is
// done before the floor is timed; the floor itself only sends.
import type { PlanDoc, PlanStep } from './doc-plan.js';
import { extractedValue } from './routes.js';

export interface FloorRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly sleepMs: number;
}

export interface FloorDoc {
  readonly id: string;
  readonly requests: readonly FloorRequest[];
}

export interface FloorTarget {
  readonly baseUrl: string;
  readonly fallbackUrl: string;
  readonly partnersUrl: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Which steps of which docs the verifier actually sent (from its JSON report): `doc` → `phase:id`. */
export type SentSteps = ReadonlyMap<string, ReadonlySet<string>>;

function substitute(text: string, lookup: (name: string) => string): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, name: string) => lookup(name));
}

function resolveValue(v: unknown, lookup: (name: string) => string): unknown {
  if (typeof v === 'string') return substitute(v, lookup);
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, lookup));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(x, lookup)]));
  }
  return v;
}

function request(step: PlanStep, doc: PlanDoc, target: FloorTarget): FloorRequest {
  const lookup = (name: string): string => {
    const p = target.params[name];
    if (p !== undefined) return String(p);
    if (name.endsWith('_date')) return '2026-02-01';
    if (name.endsWith('_datetime') || name.endsWith('_48h')) return '2026-02-01T17:00:00.000Z';
    if (name.endsWith('timestamp')) return '1769965200';
    return extractedValue(name);
  };
  const path = substitute(step.path, lookup);
  const base = path.includes('/partners/')
    ? target.partnersUrl
    : doc.useFallbackApi || step.fallback
      ? target.fallbackUrl
      : target.baseUrl;
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(step.params)) url.searchParams.set(k, substitute(String(v), lookup));
  const token = target.tokens[step.token] ?? '';
  const scheme = step.token === 'admin' || step.token === 'internal' ? 'Admin' : 'Bearer';
  const headers: Record<string, string> = { authorization: `${scheme} ${token}`, accept: 'application/json' };
  const hasBody =
    step.method !== 'GET' &&
    step.body !== undefined &&
    step.body !== null &&
    JSON.stringify(step.body) !== '{}';
  if (hasBody) headers['content-type'] = 'application/json';
  return {
    method: step.method,
    url: url.toString(),
    headers,
    ...(hasBody ? { body: JSON.stringify(resolveValue(step.body, lookup)) } : {}),
    sleepMs: step.sleepMs,
  };
}

/**
 * The floor's work: for each doc, the requests it sends in order. With `sent`, exactly the steps the
 * verifier sent; without it, every step of every runnable doc.
 */
export function buildFloorPlan(
  docs: readonly PlanDoc[],
  target: FloorTarget,
  isRunnable: (doc: PlanDoc) => boolean,
  sent?: SentSteps,
): FloorDoc[] {
  const out: FloorDoc[] = [];
  for (const doc of docs) {
    const keep = sent?.get(doc.id);
    if (sent ? !keep : !isRunnable(doc)) continue;
    const steps = doc.steps.filter((s) => !keep || keep.has(`${s.phase}:${s.id}`));
    if (steps.length > 0) out.push({ id: doc.id, requests: steps.map((s) => request(s, doc, target)) });
  }
  return out;
}

/** Reads the verifier's JSON report (issue 2 shape): the steps that got a response or a transport error. */
export function sentStepsFromReport(report: unknown): Map<string, Set<string>> {
  const sent = new Map<string, Set<string>>();
  const docs = (report as { docs?: unknown }).docs;
  if (!Array.isArray(docs)) return sent;
  for (const d of docs as { doc?: unknown; steps?: unknown }[]) {
    if (typeof d.doc !== 'string' || !Array.isArray(d.steps)) continue;
    const keys = new Set<string>();
    for (const s of d.steps as { id?: unknown; phase?: unknown; status?: unknown }[]) {
      if (typeof s.status === 'number') keys.add(`${String(s.phase)}:${String(s.id)}`);
    }
    if (keys.size > 0) sent.set(d.doc, keys);
  }
  return sent;
}
