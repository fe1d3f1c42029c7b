// Who is calling: the Authorization header (scheme per route family) → a principal → the route's rule.
import type { IncomingHttpHeaders } from 'node:http';
import { errorShape } from './http.js';
import type { Route } from './router.js';
import type { Principal, Store } from './store.js';

/** Bearer for the platform, `Token token="..."` for partners, `Admin <t>` for admin routes. */
export type Scheme = 'bearer' | 'partner' | 'admin';

const PATTERNS: Record<Scheme, RegExp> = {
  bearer: /^Bearer\s+(\S+)$/i,
  partner: /^Token\s+token="([^"]+)"$/i,
  admin: /^Admin\s+(\S+)$/i,
};

export function principalOf(store: Store, headers: IncomingHttpHeaders, scheme: Scheme): Principal {
  const header = headers.authorization;
  const token = header ? PATTERNS[scheme].exec(header.trim())?.[1] : undefined;
  const principal = token ? store.tokens.get(token) : undefined;
  if (!principal) throw errorShape(401, 'Unauthorized');
  return principal;
}

/** Applies the route's rule for the principal's token type; returns the business acted for. */
export function authorize(
  store: Store,
  route: Route,
  principal: Principal,
  headers: IncomingHttpHeaders,
): string {
  const rule = route.auth[principal.type];
  if (rule === undefined) throw errorShape(401, 'Unauthorized');
  if (typeof rule === 'object') throw errorShape(rule.status, rule.error);
  if (rule === 'ok') return principal.businessId ?? '';
  // on-behalf: a directory token names one of its businesses (uid or id) in X-On-Behalf-Of.
  if (principal.type !== 'directory') return principal.businessId ?? '';
  const raw = headers['x-on-behalf-of'];
  const onBehalf = Array.isArray(raw) ? raw[0] : raw;
  if (!onBehalf) throw errorShape(401, 'X-On-Behalf-Of header is required for directory tokens');
  const business = store.businesses.get(onBehalf.trim());
  if (!business || business.directoryId !== principal.directoryId) throw errorShape(403, 'Forbidden');
  return business.id;
}
