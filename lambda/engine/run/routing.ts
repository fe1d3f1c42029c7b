// Where a step's request goes and how it authenticates (FORMAT.md §7).

import { endpointKey } from '../lint/fallback.js';
import type { Doc, Step } from '../model.js';
import type { Target } from '../target.js';

export type Route = 'primary' | 'fallback' | 'partners';

/** `fallbackEndpoints`: keys from lint's `fallbackEndpoints`, so lint warns exactly where this routes implicitly. */
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
interface ParsedBase {
  readonly origin: string;
  readonly host: string;
  /** The base URL's path without trailing slashes ('' for none). */
  readonly prefix: string;
}

/** A run has two or three base URLs and sends every request to one: each is parsed once. */
const bases = new Map<string, ParsedBase | null>();

function parsedBase(base: string): ParsedBase | undefined {
  let parsed = bases.get(base);
  if (parsed === undefined) {
    try {
      const u = new URL(base);
      parsed = { origin: u.origin, host: u.host, prefix: u.pathname.replace(/\/+$/, '') };
    } catch {
      parsed = null;
    }
    if (bases.size >= 32) bases.clear();
    bases.set(base, parsed);
  }
  return parsed ?? undefined;
}

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
  const baseUrl = parsedBase(base);
  if (!baseUrl) return { error: `base URL "${base}" is not a valid URL` };
  const { prefix } = baseUrl;
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
