// Implicit fallback routing (FORMAT.md §7 rule 2): a step whose `METHOD path` equals the endpoint of another
// doc with `useFallbackApi: true` goes to the fallback URL. The runner and lint share these helpers.
import type { Doc, Step } from '../model.js';

/** `METHOD /path` as compared for routing: method upper-cased, surrounding space trimmed. */
export function endpointKey(method: string, path: string): string {
  return `${method.trim().toUpperCase()} ${path.trim()}`;
}

/** Endpoints of the docs that declare `useFallbackApi: true`. */
export function fallbackEndpoints(
  docs: Iterable<Pick<Doc, 'useFallbackApi' | 'endpoint'> | undefined>,
): Set<string> {
  const out = new Set<string>();
  for (const doc of docs) {
    if (!doc?.useFallbackApi || !doc.endpoint) continue;
    const m = /^(\S+)\s+(\S.*)$/.exec(doc.endpoint.trim());
    if (m?.[1] && m[2]) out.add(endpointKey(m[1], m[2]));
  }
  return out;
}

/** True when only another doc's `useFallbackApi` sends this step to the fallback URL. */
export function reliesOnImplicitFallback(doc: Doc, step: Step, endpoints: ReadonlySet<string>): boolean {
  if (doc.useFallbackApi || step.useFallback || step.path.includes('/partners/')) return false;
  return endpoints.has(endpointKey(step.method, step.path));
}
