// A tiny router: `METHOD /path/{param}` patterns, per-route token rules, and the gateway rule for
// routes whose docs require the fallback API.
import type { IncomingHttpHeaders } from 'node:http';
import { errorShape, type ParsedBody, type Reply } from './http.js';
import type { SpamPolicy } from './spam.js';
import type { Principal, Store, TokenType } from './store.js';

/** What a token type gets on a route: served, served on behalf of a business, or refused. */
export type AuthRule = 'ok' | 'on-behalf' | { readonly status: number; readonly error: string };

export interface Context {
  readonly store: Store;
  readonly spam: SpamPolicy;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: ParsedBody;
  readonly headers: IncomingHttpHeaders;
  readonly principal: Principal;
  /** The business the request acts for (empty for app and admin tokens). */
  readonly businessId: string;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly pattern: string;
  /** Token types not listed get 401 Unauthorized. */
  readonly auth: Partial<Record<TokenType, AuthRule>>;
  /** The docs say `/api2` is required: through `/apigw` the gateway answers 422 Unauthorized. */
  readonly fallbackOnly?: boolean;
  handle(ctx: Context): Reply | Promise<Reply>;
}

interface Compiled {
  readonly route: Route;
  readonly regex: RegExp;
  readonly names: readonly string[];
}

export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

export interface Router {
  /** `undefined`: no route has this path; `'method'`: the path exists for other methods. */
  match(method: string, path: string): Match | 'method' | undefined;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled: Compiled[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.pattern
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (!m?.[1]) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]);
        return '([^/]+)';
      })
      .join('/');
    return { route, regex: new RegExp(`^${source}/?$`), names };
  });
  return {
    match(method, path) {
      let pathExists = false;
      for (const c of compiled) {
        const m = c.regex.exec(path);
        if (!m) continue;
        if (c.route.method !== method) {
          pathExists = true;
          continue;
        }
        const params: Record<string, string> = {};
        c.names.forEach((n, i) => {
          params[n] = decodeSegment(m[i + 1] ?? '');
        });
        return { route: c.route, params };
      }
      return pathExists ? 'method' : undefined;
    },
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errorShape(400, 'Bad Request: malformed percent-encoding in the path');
  }
}
