// The contract check's fast path: most responses are valid, and most response schemas use a handful
// of keywords (type, properties, required, items, enum, allOf/anyOf/oneOf, additionalProperties,
// internal $refs). For such a schema a body is checked by walking it here, with no Ajv compile (a
// compile costs about a millisecond per operation, more than the bench's budget per response).
// It only ever says "valid": a body it finds invalid, and any schema that uses another keyword (or
// a dialect nuance), goes to Ajv, whose verdict and messages the report carries. So it never hides a
// drift Ajv would find: every keyword it accepts it checks as Ajv does.
import type { SpecVersion } from './contract-model.js';

/** Keywords that only annotate: Ajv (strict: false) ignores them too. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'readOnly',
  'writeOnly',
  'deprecated',
  'xml',
  'externalDocs',
  'discriminator',
  '$comment',
]);
const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'allOf',
  'anyOf',
  'oneOf',
  'additionalProperties',
  '$ref',
  'nullable',
]);
/** Formats Ajv is told to accept as they are (contract.ts): checking them is a no-op. */
const NOOP_FORMATS = new Set(['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']);
const MAX_DEPTH = 64;

export type FastValidate = (value: unknown) => boolean;

/**
 * A validator for the schema at `pointer` in the bundled spec, or undefined when the schema (or a
 * schema it reaches) uses a keyword this path does not check: then Ajv checks every body.
 */
export function fastValidator(api: unknown, version: SpecVersion, pointer: string): FastValidate | undefined {
  const root = at(api, pointer);
  if (!supported(api, version, root)) return undefined;
  return (value) => valid(api, version, root, value, 0);
}

function supported(api: unknown, version: SpecVersion, schema: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [schema];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node === 'boolean') continue;
    if (!isObject(node)) return false;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const [key, v] of Object.entries(node)) {
      if (key.startsWith('x-') || ANNOTATIONS.has(key)) continue;
      if (key === 'format') {
        if (typeof v === 'string' && NOOP_FORMATS.has(v)) continue;
        return false;
      }
      if (!CHECKED.has(key)) return false;
      // OpenAPI 3.1 is JSON Schema 2020-12: `nullable` is not a keyword there, and `$ref` has siblings.
      if (key === 'nullable' && version === '3.1') return false;
      if (key === '$ref') {
        if (typeof v !== 'string' || !v.startsWith('#/') || Object.keys(node).length > 1) return false;
        const target = at(api, v);
        if (target === undefined) return false;
        stack.push(target);
      } else if (key === 'properties') {
        if (!isObject(v)) return false;
        stack.push(...Object.values(v));
      } else if (key === 'items' || key === 'additionalProperties') {
        if (Array.isArray(v)) return false; // tuple items: a dialect difference
        if (typeof v !== 'boolean') stack.push(v);
      } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
        if (!Array.isArray(v) || v.length === 0) return false;
        stack.push(...v);
      } else if (key === 'required') {
        if (!Array.isArray(v) || !v.every((k) => typeof k === 'string')) return false;
      } else if (key === 'enum') {
        if (!Array.isArray(v)) return false;
      } else if (key === 'type') {
        const types = Array.isArray(v) ? v : [v];
        if (!types.every((t) => typeof t === 'string' && TYPES.has(t))) return false;
      } else if (key === 'nullable') {
        // Ajv refuses `nullable` without `type` (the schema is then not checked at all).
        if (typeof v !== 'boolean' || node.type === undefined) return false;
      }
    }
  }
  return true;
}

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

function valid(api: unknown, version: SpecVersion, schema: unknown, value: unknown, depth: number): boolean {
  if (schema === true) return true;
  if (schema === false || depth > MAX_DEPTH || !isObject(schema)) return false;
  const s = schema;
  if (typeof s.$ref === 'string') return valid(api, version, at(api, s.$ref), value, depth + 1);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const nullable = s.nullable === true && version !== '3.1';
    if (!(types.some((t) => isType(value, t as string)) || (nullable && value === null))) return false;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, value))) return false;
  if (isObject(value)) {
    if (Array.isArray(s.required) && !s.required.every((k) => value[k as string] !== undefined)) return false;
    const props = isObject(s.properties) ? s.properties : undefined;
    for (const [k, v] of Object.entries(value)) {
      const p = props && Object.hasOwn(props, k) ? props[k] : undefined;
      if (p !== undefined) {
        if (!valid(api, version, p, v, depth + 1)) return false;
      } else if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
        if (!valid(api, version, s.additionalProperties, v, depth + 1)) return false;
      }
    }
  }
  if (Array.isArray(value) && s.items !== undefined) {
    for (const v of value) if (!valid(api, version, s.items, v, depth + 1)) return false;
  }
  if (Array.isArray(s.allOf) && !s.allOf.every((x) => valid(api, version, x, value, depth + 1))) return false;
  if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => valid(api, version, x, value, depth + 1))) return false;
  if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => valid(api, version, x, value, depth + 1)).length !== 1)
    return false;
  return true;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A node reached by a `#/a/b` pointer (URI-encoded tokens, `~1` and `~0` escapes). */
function at(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}
