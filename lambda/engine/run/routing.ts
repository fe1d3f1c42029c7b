// Where a step's request goes and how it authenticates (FORMAT.md §7). Lint asks the same questions
// (reliesOnImplicitFallback), so its warnings name exactly the steps this routes implicitly.
import type { Doc, Step } from '../model.js';
import type { Target } from '../target.js';

export type Route = 'primary' | 'fallback' | 'partners';

/** `METHOD /path` as compared for routing: method upper-cased, surrounding space trimmed. */
export function endpointKey(method: string, path: string): string {
  return `${method.trim().toUpperCase()} ${path.trim()}`;
}

/**
 * Endpoints of the docs that declare `useFallbackApi: true` (rule 2: a step whose `METHOD path` is one
 * of them goes to the fallback URL, whichever doc it is in).
 */
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

/** `fallbackEndpoints`: from `fallbackEndpoints` over every doc in the run. */
export function chooseRoute(doc: Doc, step: Step, fallbackEndpoints: ReadonlySet<string>): Route {
  if (step.path.includes('/partners/')) return 'partners';
  if (doc.useFallbackApi || step.useFallback) return 'fallback';
  if (fallbackEndpoints.has(endpointKey(step.method, step.path))) return 'fallback';
  return 'primary';
}

export function baseUrlFor(target: Target, route: Route): string {
  if (route === 'partners') return target.partnersUrl ?? target.baseUrl;
  if (route === 'fallback') return target.fallbackUrl ?? target.baseUrl;
  return target.baseUrl;
}

/** The Authorization header value for a token type on a route. */
export function authorization(route: Route, tokenType: string, token: string): string {
  if (route === 'partners') return `Token token="${token}"`;
  if (tokenType === 'admin' || tokenType === 'internal') return `Admin ${token}`;
  return `Bearer ${token}`;
}

/**
 * Joins a resolved path to a base URL. Returns an error message when the path is not a plain
 * absolute path, or when the result would leave the base URL's origin (tokens go only there).
 */
export function joinUrl(base: string, path: string): { url: URL } | { error: string } {
  if (
    !path.startsWith('/') ||
    path.startsWith('//') ||
    /^[a-z][a-z0-9+.-]*:/i.test(path) ||
    path.includes('\\')
  ) {
    return {
      error: `unsafe path "${path}": expected a path starting with a single "/" (never a URL or //host)`,
    };
  }
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    return { error: `base URL "${base}" is not a valid URL` };
  }
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`${baseUrl.origin}${prefix}${path}`);
  } catch {
    return { error: `unsafe path "${path}": it does not form a valid URL` };
  }
  if (url.origin !== baseUrl.origin) {
    return {
      error: `unsafe path "${path}": it resolves to ${url.host}, not the configured host ${baseUrl.host}`,
    };
  }
  // `..` segments, plain or percent-encoded, are normalised by the URL parser: stay under the base path.
  if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
    return {
      error: `unsafe path "${path}": it resolves to ${url.pathname}, outside the base path ${prefix}`,
    };
  }
  return { url };
}
