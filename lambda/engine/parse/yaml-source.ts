// YAML with the 1.2 core schema, alias-bomb protection and file line numbers for any node.
//
// Two libraries, one result. js-yaml reads the value: it is several times faster than the yaml
// library on a cold process (most of a run's parse time was yaml's document model), and a run parses
// every doc. A listener records where each node starts, which is enough for the line of every step.
// The yaml library (a full document model with a range on every node) is used only when it is needed:
// - js-yaml rejects the source: yaml reads it instead and its errors are the ones reported (as before),
//   so messages and lines of YAML errors never depend on which library read the source first;
// - the source declares an anchor (`&name`): yaml expands it under its alias limit (billion laughs);
// - a map has a collection as a key (`? [a]`), which the two libraries turn into different strings;
// - a finding needs the line of a key the recorded starts cannot vouch for (lineAt / linesUnder).
// test/engine/yaml-source.test.ts holds both to the same value and the same lines.
import jsYaml from 'js-yaml';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { CORE_SCHEMA } from './core-schema.js';
import { type Pointer, setOwn } from './templates.js';

/** Aliases allowed when expanding a document; a billion-laughs bomb exceeds it immediately. */
const MAX_ALIAS_COUNT = 50;

export interface YamlIssue {
  readonly line: number;
  readonly code: 'yaml-syntax' | 'yaml-bomb';
  readonly message: string;
}

export interface ParsedYaml {
  /** Plain JS value (undefined when the source could not be read). */
  readonly value: unknown;
  readonly issues: readonly YamlIssue[];
  /**
   * File line of the key (in a map) or item (in a sequence) at `at`, as the yaml library places it;
   * undefined when the path is not in the document.
   */
  lineAt(at: Pointer): number | undefined;
  /** File lines of every key and item under `at`, keyed by the JSON of the path below `at`. */
  linesUnder(at: Pointer): Map<string, number>;
}

/** Where js-yaml started one node (one composeNode call), with what it read. */
interface Frame {
  readonly line: number;
  readonly children: Frame[];
  kind: string | null;
  result: unknown;
}

/** The parts of js-yaml's loader state its listener sees: not public API, so package.json pins js-yaml exactly. */
interface LoaderState {
  readonly line: number;
  readonly kind: string | null;
  readonly result: unknown;
  readonly anchor: string | null;
}

/** Parses `source`, whose first line is line `firstLine` of the file. Never throws. */
export function parseYaml(source: string, firstLine: number): ParsedYaml {
  const root: Frame = { line: 0, children: [], kind: null, result: undefined };
  const stack: Frame[] = [root];
  let unusual = false;
  let value: unknown;
  try {
    value = jsYaml.load(source, {
      schema: CORE_SCHEMA,
      listener(event, state) {
        const st = state as unknown as LoaderState;
        if (event === 'open') {
          const frame: Frame = { line: st.line, children: [], kind: null, result: undefined };
          (stack[stack.length - 1] as Frame).children.push(frame);
          stack.push(frame);
          return;
        }
        const frame = stack.pop() as Frame;
        frame.kind = st.kind;
        frame.result = st.result;
        if (st.anchor !== null || (st.kind === 'mapping' && !plainKeys(frame))) unusual = true;
      },
    } as jsYaml.LoadOptions);
  } catch {
    return parseWithYaml(source, firstLine);
  }
  if (unusual) return parseWithYaml(source, firstLine);
  let full: ParsedYaml | undefined;
  const slow = () => {
    full ??= parseWithYaml(source, firstLine);
    return full;
  };
  const top = root.children[0];
  return {
    value: value === undefined ? null : value,
    issues: [],
    lineAt(at) {
      const line = top ? fastLine(top, at) : null;
      if (line === null) return undefined;
      return line === undefined ? slow().lineAt(at) : line + firstLine;
    },
    linesUnder: (at) => slow().linesUnder(at),
  };
}

/** Whether a map's recorded children are key, value pairs with scalar keys. */
function plainKeys(map: Frame): boolean {
  const pairs = map.children;
  if (pairs.length % 2 !== 0) return false;
  for (let i = 0; i < pairs.length; i += 2) {
    const kind = unwrap(pairs[i] as Frame).kind;
    if (kind === 'mapping' || kind === 'sequence') return false;
  }
  return true;
}

/** A node js-yaml composed twice (a key tried as the start of a mapping, say) is one node. */
function unwrap(frame: Frame): Frame {
  let f = frame;
  while (f.children.length === 1 && f.children[0]?.result === f.result && f.kind !== 'sequence') {
    f = f.children[0] as Frame;
  }
  return f;
}

/**
 * The 0-based source line of the key or item at `at`, from the recorded starts; null when the value
 * has no such key or item (then the yaml library has none either: both read the same value). When
 * the starts cannot vouch for a step on the way (e.g. a flow-map key with no value), undefined: the
 * yaml library answers instead.
 */
function fastLine(top: Frame, at: Pointer): number | null | undefined {
  let frame = unwrap(top);
  let line: number | undefined;
  for (const step of at) {
    const value = frame.result;
    if (Array.isArray(value)) {
      if (typeof step !== 'number' || step < 0 || step >= value.length || !Number.isInteger(step))
        return null;
      if (frame.kind !== 'sequence' || frame.children.length !== value.length) return undefined;
      const item = frame.children[step];
      if (!item || !Object.is(item.result, value[step])) return undefined;
      line = item.line;
      frame = unwrap(item);
    } else if (isRecord(value)) {
      if (typeof step !== 'string' || !Object.hasOwn(value, step)) return null;
      const pairs = frame.children;
      if (frame.kind !== 'mapping' || pairs.length !== 2 * Object.keys(value).length) return undefined;
      let found = -1;
      for (let i = 0; i < pairs.length; i += 2) if (String(pairs[i]?.result) === step) found = i;
      const key = pairs[found];
      const val = pairs[found + 1];
      if (!key || !val || !Object.is(val.result, value[step])) return undefined;
      line = key.line;
      frame = unwrap(val);
    } else {
      return null;
    }
  }
  return line ?? null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The yaml library's reading: its errors, its alias limit, a range on every node. */
export function parseWithYaml(source: string, firstLine: number): ParsedYaml {
  const counter = new LineCounter();
  const lineAt = (offset: number): number => counter.linePos(offset).line + firstLine - 1;
  const lineOf = (node: { range?: [number, number, number] | null | undefined } | null | undefined) =>
    node?.range ? lineAt(node.range[0]) : firstLine;
  const failed = (issues: YamlIssue[]): ParsedYaml => ({
    value: undefined,
    issues,
    lineAt: () => undefined,
    linesUnder: () => new Map(),
  });
  try {
    const doc = parseDocument(source, {
      schema: 'core',
      lineCounter: counter,
      uniqueKeys: true,
      prettyErrors: true,
      // Its warnings (a collection as a key) would go to the process's stderr; the value says enough.
      logLevel: 'error',
    });
    const issues: YamlIssue[] = doc.errors.map((e) => ({
      line: e.linePos ? e.linePos[0].line + firstLine - 1 : lineAt(e.pos[0]),
      code: 'yaml-syntax' as const,
      message: firstSentence(e.message),
    }));
    if (issues.length > 0) return failed(issues);
    try {
      const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      const root = doc.contents;
      return {
        value: normaliseDates(value),
        issues,
        lineAt: (at) => lineAtPath(root, at, lineOf),
        linesUnder: (at) => {
          const node = at.length === 0 ? root : nodeAt(root, at);
          return node ? collectLines(node, lineOf) : new Map();
        },
      };
    } catch (err) {
      const bomb = err instanceof ReferenceError && /alias/i.test(err.message);
      return failed([
        {
          line: firstLine,
          code: bomb ? 'yaml-bomb' : 'yaml-syntax',
          message: bomb
            ? `YAML expands too many aliases (more than ${MAX_ALIAS_COUNT}): this looks like a resource-exhaustion ("billion laughs") document; write the values out instead of nesting aliases`
            : `YAML could not be read: ${errorText(err)}`,
        },
      ]);
    }
  } catch (err) {
    return failed([
      { line: firstLine, code: 'yaml-syntax', message: `YAML could not be read: ${errorText(err)}` },
    ]);
  }
}

/** The node at `at` under `node` (last matching key wins, as in the JS value). */
function nodeAt(node: unknown, at: Pointer): unknown {
  let here = node;
  for (const step of at) {
    if (isMap(here) && typeof step === 'string') {
      let next: unknown;
      for (const pair of here.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === step) next = pair.value;
      }
      if (next === undefined) return undefined;
      here = next;
    } else if (isSeq(here) && typeof step === 'number') {
      here = here.items[step];
      if (here === undefined) return undefined;
    } else {
      return undefined;
    }
  }
  return here;
}

/**
 * File line of the key (in a map) or item (in a sequence) at `at` under `node`, found when asked for
 * (most nodes never need theirs). Map keys match strings, sequence items numbers; with duplicate key
 * texts (`1` and "1") the last one holding the path wins, as in the JS value.
 */
function lineAtPath(node: unknown, at: Pointer, lineOf: LineOf, from = 0): number | undefined {
  if (from >= at.length) return undefined;
  const step = at[from];
  const last = from === at.length - 1;
  if (isMap(node)) {
    if (typeof step !== 'string') return undefined;
    for (let i = node.items.length - 1; i >= 0; i--) {
      const pair = node.items[i];
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key !== step) continue;
      const line = last
        ? lineOf(isScalar(pair.key) ? pair.key : null)
        : lineAtPath(pair.value, at, lineOf, from + 1);
      if (line !== undefined) return line;
    }
  } else if (isSeq(node)) {
    if (typeof step !== 'number') return undefined;
    const item = node.items[step];
    if (item === undefined) return undefined;
    if (last) return isNode(item) ? lineOf(item) : undefined;
    return lineAtPath(item, at, lineOf, from + 1);
  }
  return undefined;
}

/**
 * File lines of every key and item under `node`, keyed by the JSON of the key path, in one walk
 * that builds each pointer from its parent's.
 */
function collectLines(
  node: unknown,
  lineOf: LineOf,
  out = new Map<string, number>(),
  inner = '',
): Map<string, number> {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const here = inner === '' ? JSON.stringify(key) : `${inner},${JSON.stringify(key)}`;
      out.set(`[${here}]`, lineOf(isScalar(pair.key) ? pair.key : null));
      collectLines(pair.value, lineOf, out, here);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const here = inner === '' ? String(i) : `${inner},${i}`;
      if (isNode(item)) out.set(`[${here}]`, lineOf(item));
      collectLines(item, lineOf, out, here);
    });
  }
  return out;
}

type LineOf = (node: { range?: [number, number, number] | null | undefined } | null | undefined) => number;

function firstSentence(message: string): string {
  const cut = message.search(/ at line \d+, column \d+/);
  return (cut >= 0 ? message.slice(0, cut) : (message.split('\n')[0] ?? message)).trim();
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}

/**
 * Dates never leak out of the parser: any Date becomes its ISO string (FORMAT.md §1). The value is
 * rebuilt only when it holds a Date; either walk throws on a cyclic value (a self-referencing alias).
 */
function normaliseDates(value: unknown): unknown {
  return hasDate(value) ? rebuild(value) : value;
}

function hasDate(value: unknown): boolean {
  if (value instanceof Date) return true;
  if (Array.isArray(value)) return value.some(hasDate);
  if (value && typeof value === 'object') {
    for (const k in value)
      if (Object.hasOwn(value, k) && hasDate((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

function rebuild(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Array.isArray(value)) return value.map(rebuild);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, rebuild(v));
    return out;
  }
  return value;
}
