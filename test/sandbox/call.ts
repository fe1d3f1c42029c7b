// A tiny request helper for the sandbox tests: real HTTP against a real sandbox on 127.0.0.1:0.
import type { Sandbox } from '../../sandbox/server.js';

export interface CallOptions {
  readonly method?: string;
  /** `primary` (/apigw, default), `fallback` (/api2), or `root` (partners/admin). */
  readonly via?: 'primary' | 'fallback' | 'root';
  /** A token type from the sandbox's tokens file, or a literal `Authorization` value with `auth`. */
  readonly token?: string;
  readonly auth?: string;
  readonly json?: unknown;
  readonly rawBody?: string | FormData;
  readonly headers?: Record<string, string>;
}

export interface CallResult {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
  readonly body: any;
}

export async function call(s: Sandbox, path: string, o: CallOptions = {}): Promise<CallResult> {
  const base = o.via === 'fallback' ? s.fallbackUrl : o.via === 'root' ? s.url : s.baseUrl;
  const headers: Record<string, string> = { ...o.headers };
  if (o.auth) headers.authorization = o.auth;
  else if (o.token) headers.authorization = `Bearer ${s.tokens.tokens[o.token]}`;
  let body: string | FormData | undefined = o.rawBody;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method: o.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed };
}

export const admin = (s: Sandbox) => `Admin ${s.adminToken}`;
