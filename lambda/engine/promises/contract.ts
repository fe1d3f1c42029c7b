// Checks a 2xx response body against its operation's JSON schema (Ajv). One checker per run: each
// operation's schema is compiled once (the first response that needs it) and reused. A schema of
// common keywords checks its bodies without Ajv first (fast-check.ts, which only ever says valid):
// Ajv is loaded and the schema compiled only for a body that path does not find valid, so a run
// whose responses all keep their contracts never loads Ajv.
//   Swagger 2.0 and OpenAPI 3.0 schemas are draft-04 dialects (boolean exclusiveMinimum, `nullable`):
//   ajv-draft-04. OpenAPI 3.1 schemas are JSON Schema 2020-12: Ajv2020.
import type { Ajv as AjvCore, ErrorObject, ValidateFunction } from 'ajv';
import {
  type ContractCheck,
  type ContractFinding,
  type ContractTotals,
  type LoadedSpec,
  UNMAPPED_MARKER,
} from './contract-model.js';
import { type FastValidate, fastValidator } from './fast-check.js';
import type { Operation } from './operations.js';

/** At most this many findings per step: the first ones say what drifted. */
export const MAX_FINDINGS = 10;

type Compiled =
  | {
      readonly kind: 'schema';
      /** A check without Ajv for a schema of common keywords (fast-check.ts); it only says valid. */
      readonly fast?: FastValidate;
      /** Ajv's validator, compiled the first time a body is not valid by the fast path (or has none). */
      validate?: ValidateFunction;
      readonly compile: () => Promise<ValidateFunction>;
    }
  | { readonly kind: 'none'; readonly why: string };

export class ContractChecker {
  /** This checker's counts: steps that matched an operation, had a schema, were valid. */
  readonly totals: ContractTotals = { matched: 0, withSchema: 0, valid: 0 };
  readonly #compiled = new Map<string, Compiled>();
  readonly #ajv = new Map<LoadedSpec, AjvCore>();

  /**
   * The check of one response, or undefined when there is nothing to check: not 2xx, or the
   * operation has no JSON schema for that status (or its schema reaches an unmapped `$ref`).
   */
  async check(
    stepId: string,
    op: Operation,
    status: number,
    body: string,
    truncated = false,
  ): Promise<ContractCheck | undefined> {
    if (status < 200 || status > 299) return undefined;
    const compiled = this.#compile(op, status);
    if (compiled.kind === 'none') return undefined;
    const base = { step: stepId, operation: `${op.method} ${op.template}`, spec: op.spec.file };
    if (truncated) {
      this.totals.withSchema++;
      return { ...base, valid: true, findings: [] }; // never judge a body we did not read whole
    }
    let value: unknown;
    try {
      value = body.length === 0 ? undefined : JSON.parse(body);
    } catch {
      this.totals.withSchema++;
      return {
        ...base,
        valid: false,
        findings: [{ pointer: '', message: 'the response is not JSON; the spec describes a JSON body' }],
      };
    }
    if (compiled.fast?.(value)) {
      this.totals.withSchema++;
      this.totals.valid++;
      return { ...base, valid: true, findings: [] };
    }
    const validate = await this.#validator(op, status, compiled);
    if (!validate) return undefined;
    this.totals.withSchema++;
    if (validate(value)) {
      this.totals.valid++;
      return { ...base, valid: true, findings: [] };
    }
    const findings = (validate.errors ?? []).slice(0, MAX_FINDINGS).map(findingOf(value));
    return { ...base, valid: false, findings };
  }

  /** How many (operation, status) pairs this checker has compiled (or found no schema for). */
  get compiledCount(): number {
    return this.#compiled.size;
  }

  /** Whether the operation has a JSON schema for this status that can be checked (for the report's totals). */
  async hasSchema(op: Operation, status: number): Promise<boolean> {
    const compiled = this.#compile(op, status);
    if (compiled.kind === 'none') return false;
    return compiled.fast !== undefined || (await this.#validator(op, status, compiled)) !== undefined;
  }

  #compile(op: Operation, status: number): Compiled {
    const key = `${op.spec.file} ${op.pointer} ${status}`;
    let c = this.#compiled.get(key);
    if (!c) {
      c = this.#build(op, status);
      this.#compiled.set(key, c);
    }
    return c;
  }

  /** Ajv's validator for a schema; a schema Ajv cannot compile is from then on not checked. */
  async #validator(op: Operation, status: number, compiled: Compiled & { kind: 'schema' }) {
    try {
      compiled.validate ??= await compiled.compile();
      return compiled.validate;
    } catch (e) {
      this.#compiled.set(`${op.spec.file} ${op.pointer} ${status}`, {
        kind: 'none',
        why: e instanceof Error ? e.message : String(e),
      });
      return undefined;
    }
  }

  #build(op: Operation, status: number): Compiled {
    const api = op.spec.api;
    const responses = follow(api, field(at(api, op.pointer), 'responses'));
    const key = [String(status), `${String(status)[0]}XX`, '2XX'].find(
      (k) => field(responses, k) !== undefined,
    );
    if (!key) return { kind: 'none', why: `no response for ${status}` };
    const raw = field(responses, key);
    const responsePointer = refOf(field(raw, '$ref')) ?? `${op.pointer}/responses/${key}`;
    const pointer = schemaPointer(op.spec.version, follow(api, raw), responsePointer);
    if (!pointer) return { kind: 'none', why: `no JSON schema for ${status}` };
    const unmapped = findUnmapped(api, at(api, pointer));
    if (unmapped) return { kind: 'none', why: `unmapped $ref ${unmapped}` };
    const compile = async () =>
      (await this.#ajvFor(op.spec)).compile({ $ref: `${specKey(op.spec)}${pointer}` });
    const fast = fastValidator(api, op.spec.version, pointer);
    return fast ? { kind: 'schema', fast, compile } : { kind: 'schema', compile };
  }

  async #ajvFor(spec: LoadedSpec): Promise<AjvCore> {
    let ajv = this.#ajv.get(spec);
    if (!ajv) {
      const { Ajv2020, AjvDraft04, addFormats } = await loadAjv();
      const options = { strict: false, allErrors: true, validateSchema: false, logger: false } as const;
      ajv = spec.version === '3.1' ? new Ajv2020(options) : new AjvDraft04.default(options);
      addFormats.default(ajv);
      for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'])
        ajv.addFormat(f, true);
      ajv.addSchema(spec.api as Record<string, unknown>, specKey(spec));
      this.#ajv.set(spec, ajv);
    }
    return ajv;
  }
}

async function importAjv() {
  const [a2020, draft04, formats] = await Promise.all([
    import('ajv/dist/2020.js'),
    import('ajv-draft-04'),
    import('ajv-formats'),
  ]);
  // The same values as the static default imports this module had (CommonJS interop).
  return { Ajv2020: a2020.Ajv2020, AjvDraft04: draft04.default, addFormats: formats.default };
}
let ajvModules: ReturnType<typeof importAjv> | undefined;

/** Ajv and its dialects, loaded the first time a schema must be compiled. */
function loadAjv() {
  ajvModules ??= importAjv();
  return ajvModules;
}

function specKey(spec: LoadedSpec): string {
  return `spec:${encodeURIComponent(spec.file)}`;
}

/** The pointer of a response object's JSON schema: Swagger's `schema`, OpenAPI's JSON `content`. */
function schemaPointer(version: string, response: unknown, responsePointer: string): string | undefined {
  if (version === '2.0') return field(response, 'schema') ? `${responsePointer}/schema` : undefined;
  const content = field(response, 'content');
  if (!content || typeof content !== 'object') return undefined;
  const type = Object.keys(content).find((t) => /^application\/([\w.+-]*\+)?json\b/i.test(t) || t === '*/*');
  if (!type || !field(field(content, type), 'schema')) return undefined;
  return `${responsePointer}/content/${encodeURIComponent(type.replace(/~/g, '~0').replace(/\//g, '~1'))}/schema`;
}

function findingOf(value: unknown) {
  return (e: ErrorObject): ContractFinding => {
    if (e.keyword === 'required')
      return {
        pointer: e.instancePath,
        message: `missing required property "${String(e.params.missingProperty)}"`,
      };
    if (e.keyword === 'type')
      return {
        pointer: e.instancePath,
        message: `expected ${String(e.params.type)}, got ${typeName(at(value, `#${e.instancePath}`))}`,
      };
    if (e.keyword === 'enum')
      return {
        pointer: e.instancePath,
        message: `expected one of ${JSON.stringify(e.params.allowedValues).slice(0, 120)}`,
      };
    return { pointer: e.instancePath, message: e.message ?? e.keyword };
  };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function field(node: unknown, key: string): unknown {
  return node && typeof node === 'object' && !Array.isArray(node)
    ? (node as Record<string, unknown>)[key]
    : undefined;
}

function refOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.startsWith('#/') ? v : undefined;
}

/** A node reached by a `#/a/b` pointer. */
function at(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(key)] : field(node, key);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Follows internal `$ref`s (bundled specs have only those) until a real node. */
function follow(root: unknown, node: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const ref = refOf(field(node, '$ref'));
    if (!ref) return node;
    node = at(root, ref);
  }
  return undefined;
}

/** The URL of an unmapped remote `$ref` the schema reaches, if any. */
function findUnmapped(root: unknown, schema: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack = [schema];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const marker = field(node, UNMAPPED_MARKER);
    if (typeof marker === 'string') return marker;
    const ref = refOf(field(node, '$ref'));
    if (ref) stack.push(at(root, ref));
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return undefined;
}
