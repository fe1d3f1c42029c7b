// Turns one step (templates already resolvable through `resolve`) into an HttpRequest (FORMAT.md §3, §7).
// Returns data: a request, or why the doc cannot be run (invalid) or the token is missing (error).

import { HEADER_NAME, HEADER_VALUE, RESERVED_HEADERS } from '../headers.js';
import type { Doc, Step } from '../model.js';
import type { HttpRequest, MultipartPart, RequestBody, TestFiles } from '../ports.js';
import type { Target } from '../target.js';
import { authorization, baseUrlFor, chooseRoute, joinUrl } from './routing.js';

/** Resolves every `{{x}}` in a value; a whole-value template keeps the variable's type. */
export type Resolve = (value: unknown) => { value: unknown } | { error: string };

export type BuiltRequest =
  | {
      readonly kind: 'request';
      readonly request: HttpRequest /** Resolved, relative to the base URL. */;
      readonly path: string;
    }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'missing-token'; readonly tokenType: string }
  | { readonly kind: 'file-error'; readonly message: string };

export interface BuildContext {
  readonly target: Target;
  readonly doc: Doc;
  readonly fallbackEndpoints: ReadonlySet<string>;
  readonly resolve: Resolve;
  readonly lookup: (name: string) => { value: unknown } | undefined;
  readonly testFiles?: TestFiles;
}

function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return 'not a valid header name';
  if (RESERVED_HEADERS.has(name))
    return 'would change how the request is framed or routed; remove it from the step';
  if (/[\r\n\0]/.test(value)) return 'its value contains a line break or NUL, which would split the request';
  // HTTP carries visible ASCII, space, tab and Latin-1 bytes (obs-text); anything else cannot be sent.
  if (!HEADER_VALUE.test(value)) {
    return 'its value holds characters a header cannot carry (only ASCII and Latin-1); encode the value';
  }
  return undefined;
}

const scalar = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

/**
 * Adds `params` to the URL's query, after any query embedded in the path; a param wins over the same key.
 * The query is edited as one URLSearchParams and written back once (each edit through `url.searchParams`
 * would re-serialise the whole URL).
 */
export function mergeParams(url: URL, params: Readonly<Record<string, unknown>>): void {
  let query: URLSearchParams | undefined;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    query ??= new URLSearchParams(url.search);
    query.delete(k);
    if (Array.isArray(v)) for (const x of v) query.append(k, scalar(x));
    else query.append(k, scalar(v));
  }
  if (query) url.search = query.toString();
}

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Array.isArray(body)) return body.length === 0;
  return typeof body === 'object' && Object.keys(body).length === 0;
}

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
const mimeOf = (name: string): string =>
  MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

function resolveRecord(
  resolve: Resolve,
  what: string,
  rec: Readonly<Record<string, unknown>>,
): { value: Record<string, unknown> } | { error: string } {
  const r = resolve(rec);
  if ('error' in r) return { error: `${what}: ${r.error}` };
  return { value: (r.value ?? {}) as Record<string, unknown> };
}

export async function buildRequest(ctx: BuildContext, step: Step): Promise<BuiltRequest> {
  const { target, doc, resolve } = ctx;
  const route = chooseRoute(doc, step, ctx.fallbackEndpoints);
  // HTTP trims header values anyway; trimming here keeps what is sent and what is redacted the same.
  const token = target.credentials.tokens[step.token]?.trim();
  if (token === undefined || token === '') return { kind: 'missing-token', tokenType: step.token };

  const path = resolve(step.path);
  if ('error' in path) return { kind: 'invalid', message: `path: ${path.error}` };
  const pathText = scalar(path.value);
  if (/[{}]/.test(pathText.split('?')[0] ?? '')) {
    return { kind: 'invalid', message: `path "${pathText}" has a placeholder that would be sent literally` };
  }
  const joined = joinUrl(baseUrlFor(target, route), pathText);
  if ('error' in joined) return { kind: 'invalid', message: joined.error };
  const url = joined.url;

  const params = resolveRecord(resolve, 'params', step.params);
  if ('error' in params) return { kind: 'invalid', message: params.error };
  mergeParams(url, params.value);

  const headersIn = resolveRecord(resolve, 'headers', step.headers);
  if ('error' in headersIn) return { kind: 'invalid', message: headersIn.error };
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'verifier' };
  for (const [k, v] of Object.entries(headersIn.value)) {
    const name = k.toLowerCase();
    if (name === 'authorization') continue; // auth comes from the token type only
    const value = scalar(v);
    const problem = headerProblem(name, value);
    if (problem) return { kind: 'invalid', message: `header "${k}": ${problem}` };
    headers[name] = value;
  }
  if (step.xOnBehalfOf) {
    const value = (ctx.lookup('business_uid') ?? ctx.lookup('business_id'))?.value;
    if (value === undefined || value === null || value === '') {
      return { kind: 'invalid', message: 'x_on_behalf_of needs config param business_uid or business_id' };
    }
    headers['x-on-behalf-of'] = scalar(value);
  }
  headers.authorization = authorization(route, step.token, token);

  let body: RequestBody | undefined;
  if (step.contentType === 'multipart') {
    const parts: MultipartPart[] = [];
    const fields = resolveRecord(resolve, 'form_fields', step.formFields);
    if ('error' in fields) return { kind: 'invalid', message: fields.error };
    for (const [name, v] of Object.entries(fields.value)) {
      if (v !== undefined && v !== null) parts.push({ name, value: scalar(v) });
    }
    for (const f of step.fileFields) {
      if (!ctx.testFiles)
        return { kind: 'file-error', message: `file_fields ${f.filePath}: no test-files folder configured` };
      let data: Uint8Array;
      try {
        data = await ctx.testFiles.read(f.filePath);
      } catch (err) {
        return { kind: 'file-error', message: `file_fields ${f.filePath}: ${(err as Error).message}` };
      }
      const filename = f.filename ?? f.filePath.split('/').pop() ?? 'file';
      parts.push({ name: f.fieldName, filename, contentType: f.contentType ?? mimeOf(filename), data });
    }
    body = { kind: 'multipart', parts };
  } else if (step.method !== 'GET' && !isEmptyBody(step.body)) {
    const b = resolve(step.body);
    if ('error' in b) return { kind: 'invalid', message: `body: ${b.error}` };
    body = { kind: 'json', text: JSON.stringify(b.value) };
    headers['content-type'] ??= 'application/json';
  }
  return {
    kind: 'request',
    path: pathText,
    request: { method: step.method, url: url.toString(), headers, ...(body ? { body } : {}) },
  };
}
