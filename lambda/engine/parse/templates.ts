// `{{name}}` templates (FORMAT.md §4): finding them statically (lint) and resolving them (runner).
import { VARIABLE_NAME } from '../names.js';

export interface TemplateRef {
  /** The expression between the braces, trimmed (`client_id`, `resolved.uid`). */
  readonly name: string;
  /** The template as written, braces included. */
  readonly raw: string;
  /** Only a plain identifier is supported; anything else makes a doc invalid. */
  readonly supported: boolean;
}

/** A key path into a step value: object keys and array indexes. */
export type Pointer = readonly (string | number)[];

const TEMPLATE = /\{\{([^{}]*)\}\}/g;
const WHOLE = /^\{\{([^{}]*)\}\}$/;

/** Templates in one string, in order. */
export function templatesIn(text: string): TemplateRef[] {
  const out: TemplateRef[] = [];
  for (const m of text.matchAll(TEMPLATE)) {
    const name = (m[1] ?? '').trim();
    out.push({ name, raw: m[0], supported: VARIABLE_NAME.test(name) });
  }
  return out;
}

/**
 * Calls `visit` for every string at any depth of objects and arrays (values, not keys). `at` is the
 * path to the string, valid only during the call (one array is reused for the whole walk: copy it to
 * keep it).
 */
export function walkStrings(
  value: unknown,
  visit: (text: string, at: Pointer) => void,
  at: (string | number)[] = [],
): void {
  if (typeof value === 'string') {
    visit(value, at);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      walkStrings(value[i], visit, at);
      at.pop();
    }
  } else if (isPlainObject(value)) {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      at.push(k);
      walkStrings(value[k], visit, at);
      at.pop();
    }
  }
}

/** Every `{{...}}` template at any depth of `value`, in document order. */
export function findTemplates(value: unknown): TemplateRef[] {
  const out: TemplateRef[] = [];
  walkStrings(value, (text) => {
    out.push(...templatesIn(text));
  });
  return out;
}

export type TemplateLookup = (name: string) => { found: boolean; value?: unknown };

/**
 * Resolves templates at any depth, returning a new value. A string that is exactly one template keeps
 * the JSON type of the looked-up value; embedded templates interpolate as strings. Unsupported or
 * unknown templates are left as written (lint makes such docs invalid before they run).
 */
export function resolveTemplates(value: unknown, lookup: TemplateLookup): unknown {
  if (typeof value === 'string') return resolveString(value, lookup);
  if (Array.isArray(value)) return value.map((item) => resolveTemplates(item, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, resolveTemplates(v, lookup));
    return out;
  }
  return value;
}

function resolveString(text: string, lookup: TemplateLookup): unknown {
  const whole = WHOLE.exec(text);
  if (whole) {
    const name = (whole[1] ?? '').trim();
    if (!VARIABLE_NAME.test(name)) return text;
    const hit = lookup(name);
    return hit.found ? hit.value : text;
  }
  return text.replace(TEMPLATE, (raw, inner: string) => {
    const name = inner.trim();
    if (!VARIABLE_NAME.test(name)) return raw;
    const hit = lookup(name);
    return hit.found ? interpolate(hit.value) : raw;
  });
}

/** How a value reads inside a larger string. */
export function interpolate(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property, even `__proto__`, without touching the prototype chain. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
