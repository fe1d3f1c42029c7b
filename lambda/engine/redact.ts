// Token redaction: by exact token value (anywhere in a string) and by header name.
// Every string that leaves the engine (errors, excerpts, URLs, reports, state, alerts) passes here.

import { secretForms } from './run/secrets.js';
import type { Credentials } from './target.js';

export const REDACTED = '[REDACTED]';
const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

export interface Redactor {
  /** Replaces every occurrence of every known secret value. */
  text(s: string): string;
  /** Copies headers, replacing sensitive header values and any secret value inside the others. */
  headers(h: Readonly<Record<string, string>>): Record<string, string>;
  /** Deeply redacts strings inside a JSON-like value. */
  value<T>(v: T): T;
}

export function createRedactor(secrets: Iterable<string>): Redactor {
  // Longest first, so a token that contains another is replaced whole. Very short values
  // (< 4 chars) would shred ordinary text, and are not credible tokens: they are still redacted
  // in headers by name.
  const values = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  const variants = values.flatMap((v) => {
    const enc = encodeURIComponent(v);
    return enc === v ? [v] : [v, enc];
  });
  const text = (s: string): string => {
    let out = s;
    for (const v of variants) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
  const value = <T>(v: T): T => {
    if (typeof v === 'string') return text(v) as T;
    if (Array.isArray(v)) return v.map(value) as T;
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[text(k)] = value(x);
      return o as T;
    }
    return v;
  };
  return {
    text,
    value,
    headers(h) {
      const o: Record<string, string> = {};
      for (const [k, v] of Object.entries(h))
        o[k] = SENSITIVE_HEADERS.has(k.toLowerCase()) ? REDACTED : text(v);
      return o;
    },
  };
}

/** The redactor for a run: every form of every token in the credentials (the one way runs build it). */
export function createTokenRedactor(credentials: Credentials): Redactor {
  return createRedactor(secretForms(Object.values(credentials.tokens)));
}
