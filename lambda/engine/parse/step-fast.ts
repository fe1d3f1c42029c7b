// The step schema's fast path: nearly every step in a real doc is valid, and zod's safeParse (a union,
// pipes and transforms per key, compiled on first use) was a quarter of parseDoc's cost on a cold run.
// A step whose every key is plainly of the kind StepSchema (step-schema.ts) takes is read here into
// the very value StepSchema.parse gives, with the same normalisation (method upper-cased, onFail and
// content_type lower-cased, "200" → 200, ids and header values to strings, strings trimmed as zod
// trims them).
// It only ever says "valid": anything else (a wrong type, an unknown method, a non-finite number, a
// `__proto__` key) returns undefined and zod judges the step, so every finding still comes from zod
// with the same path and message. test/engine/step-fast.test.ts holds the two to the same output.
import { HTTP_METHODS, ON_FAIL, type StepInput } from './step-schema.js';

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);
const ON_FAILS: ReadonlySet<string> = new Set(ON_FAIL);
const CONTENT_TYPES: Readonly<Record<string, 'json' | 'multipart'>> = {
  json: 'json',
  'application/json': 'json',
  multipart: 'multipart',
  'multipart/form-data': 'multipart',
};
const STATUS_TEXT = /^\s*\d{3}\s*$/;

/** Marks a value the fast path does not vouch for (zod decides). */
const NO = Symbol('not plainly valid');
type Read<T> = T | typeof NO;

/** The step as StepSchema.parse reads it, when it is plainly valid; otherwise undefined. */
export function readValidStep(raw: Readonly<Record<string, unknown>>): StepInput | undefined {
  const out: Record<string, unknown> = {};
  const put = <T>(key: string, read: (v: unknown) => Read<T>, nullish = true): boolean => {
    if (!Object.hasOwn(raw, key)) return nullish;
    const v = raw[key];
    if (nullish && (v === null || v === undefined)) {
      out[key] = v;
      return true;
    }
    const r = read(v);
    if (r === NO) return false;
    out[key] = r;
    return true;
  };
  const ok =
    put('id', id, false) &&
    put('description', str) &&
    put('method', method, false) &&
    put('path', (v) => (typeof v === 'string' && v.length > 0 ? v : NO), false) &&
    put('token', trimmed) &&
    put('params', record(anything)) &&
    put('headers', record(scalar)) &&
    put('x_on_behalf_of', bool) &&
    put('useFallback', bool) &&
    put('useFallbackApi', bool) &&
    put('content_type', (v) =>
      typeof v === 'string' ? (CONTENT_TYPES[v.trim().toLowerCase()] ?? NO) : NO,
    ) &&
    put('form_fields', record(anything)) &&
    put('file_fields', fileFields) &&
    put('extract', record(str)) &&
    put('expect', expect) &&
    put('onFail', (v) => (typeof v === 'string' ? allowed(ON_FAILS, v.trim().toLowerCase()) : NO)) &&
    put('skipReason', str) &&
    put('sleep', (v) => (finite(v) && v >= 0 ? v : NO));
  if (!ok) return undefined;
  // `body: z.unknown().optional()`: anything, kept as it is.
  if (Object.hasOwn(raw, 'body')) out.body = raw.body;
  return out as StepInput;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): Read<string> => (typeof v === 'string' ? v : NO);
const bool = (v: unknown): Read<boolean> => (typeof v === 'boolean' ? v : NO);
const anything = (v: unknown): unknown => v;
/** `z.string().trim().min(1)`: the trimmed string. */
const trimmed = (v: unknown): Read<string> => {
  if (typeof v !== 'string') return NO;
  const t = v.trim();
  return t === '' ? NO : t;
};
/** A string, number or boolean as a string (zod's numbers are finite). */
const scalar = (v: unknown): Read<string> =>
  typeof v === 'string' || typeof v === 'boolean' || finite(v) ? String(v) : NO;
const id = (v: unknown): Read<string> => (finite(v) ? String(v) : trimmed(v));
const method = (v: unknown): Read<string> =>
  typeof v === 'string' ? allowed(METHODS, v.trim().toUpperCase()) : NO;
const allowed = (set: ReadonlySet<string>, normalised: string): Read<string> =>
  set.has(normalised) ? normalised : NO;

/** A plain map whose every value `item` takes, copied (as zod's record copies it). */
function record<T>(item: (v: unknown) => Read<T>) {
  return (v: unknown): Read<Record<string, T>> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;
    if (Object.getPrototypeOf(v) !== Object.prototype) return NO;
    const copy: Record<string, T> = {};
    for (const key of Object.keys(v)) {
      if (key === '__proto__') return NO;
      const r = item((v as Record<string, unknown>)[key]);
      if (r === NO) return NO;
      copy[key] = r;
    }
    return copy;
  };
}

/** `200`, or `"200"` as authors write it now and then: an HTTP status 100-599. */
function status(v: unknown): Read<number> {
  const n = typeof v === 'string' && STATUS_TEXT.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : NO;
}

function expect(v: unknown): Read<NonNullable<StepInput['expect']>> {
  const map = record(anything)(v);
  if (map === NO) return NO;
  const out: { status?: number | number[] | null } = {};
  if (!Object.hasOwn(map, 'status')) return out;
  const s = map.status;
  if (s === null || s === undefined) out.status = s as null | undefined;
  else if (Array.isArray(s)) {
    const list: number[] = [];
    for (const item of s) {
      const n = status(item);
      if (n === NO) return NO;
      list.push(n);
    }
    out.status = list;
  } else {
    const n = status(s);
    if (n === NO) return NO;
    out.status = n;
  }
  return out;
}

function fileFields(v: unknown): Read<NonNullable<StepInput['file_fields']>> {
  if (!Array.isArray(v)) return NO;
  const out: NonNullable<StepInput['file_fields']> = [];
  for (const item of v) {
    const f = record(anything)(item);
    if (f === NO) return NO;
    const { field_name, file_path, filename, content_type } = f;
    if (typeof field_name !== 'string' || field_name === '') return NO;
    if (typeof file_path !== 'string' || file_path === '') return NO;
    const field: (typeof out)[number] = { field_name, file_path };
    for (const [key, value] of [
      ['filename', filename],
      ['content_type', content_type],
    ] as const) {
      if (!Object.hasOwn(f, key)) continue;
      if (value !== null && value !== undefined && typeof value !== 'string') return NO;
      field[key] = value as string | null | undefined;
    }
    out.push(field);
  }
  return out;
}
