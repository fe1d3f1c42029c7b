// Request/response plumbing: body reading and parsing, and the API's error shapes.
// Every error the sandbox sends is one of the platform's JSON shapes, never a stack trace.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** An answer that is not a success. `body` is sent as JSON, exactly as given. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

/** `{"status":"Error","error":"..."}`: the gateway/auth/not-found shape. */
export const errorShape = (status: number, error: string) => new ApiError(status, { status: 'Error', error });

/** `{"success":false,"errors":[...]}`: the validation shape. */
export const validationShape = (errors: { field: string; message: string; code?: string }[]) =>
  new ApiError(422, {
    success: false,
    errors: errors.map((e) => ({ code: e.code ?? 'invalid_parameter', field: e.field, message: e.message })),
  });

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export const ok = (data: unknown, status = 200): Reply => ({ status, body: { status: 'OK', data } });

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw errorShape(413, 'Request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export type ParsedBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'form'; readonly form: FormData };

/** Parses JSON or multipart (multipart through the platform's own `Request.formData`, not by hand). */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'none' };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    try {
      const request = new Request('http://sandbox.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType ?? '' },
        body: raw,
      });
      return { kind: 'form', form: await request.formData() };
    } catch {
      throw new ApiError(400, {
        success: false,
        errors: [{ code: 'invalid_multipart', message: 'The multipart body could not be parsed' }],
      });
    }
  }
  try {
    return { kind: 'json', value: JSON.parse(raw.toString('utf8')) };
  } catch {
    throw new ApiError(400, {
      success: false,
      errors: [{ code: 'invalid_json', message: 'The request body is not valid JSON' }],
    });
  }
}

/** A JSON object body, or an empty object; anything else is a 400. */
export function jsonObject(body: ParsedBody): Record<string, unknown> {
  if (body.kind === 'none') return {};
  if (body.kind === 'json' && isRecord(body.value)) return body.value;
  throw new ApiError(400, {
    success: false,
    errors: [{ code: 'invalid_body', message: 'Expected a JSON object body' }],
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field, trimmed; numbers are accepted as strings (the platform coerces them too). */
export function stringField(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
