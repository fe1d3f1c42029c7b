// The yaml library's reading of a YAML block (eemeli/yaml: a full document model with a range on every
// node): its errors (the ones reported, with the first error of a block and its exact line), its alias
// limit against YAML bombs, anchors, collection keys, and the line of any key a finding points at.
// yaml-source.ts asks for it only when the fast js-yaml reading cannot answer.
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import { type Pointer, setOwn } from './templates.js';
import type { ParsedYaml, YamlIssue } from './yaml-result.js';

/** Aliases allowed when expanding a document; a billion-laughs bomb exceeds it immediately. */
const MAX_ALIAS_COUNT = 50;

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
    // Only the first error of a block: after one slip the library's later errors are follow-ons of it.
    const first = firstError(doc, lineAt);
    const issues: YamlIssue[] = first
      ? [{ line: first.line, code: 'yaml-syntax', message: firstSentence(first.error.message) }]
      : [];
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
      const bomb = err instanceof ReferenceError && /excessive alias/i.test(err.message);
      const unknown = err instanceof ReferenceError && /unresolved alias/i.test(err.message);
      if (unknown) return failed([unresolvedAlias(doc, lineOf) ?? unreadable(firstLine, err)]);
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

/**
 * The first error of a document and the file line it starts on. The yaml library places an unclosed
 * quote or flow collection where the source ran out (often lines later); it is reported where it opens.
 */
function firstError(
  doc: Document.Parsed,
  lineAt: (offset: number) => number,
): { error: YAMLError; line: number } | undefined {
  let first: { error: YAMLError; line: number } | undefined;
  for (const error of doc.errors) {
    const line = lineAt(unclosedStart(doc, error) ?? error.pos[0]);
    if (!first || line < first.line) first = { error, line };
  }
  return first;
}

/** The offset where the quoted scalar or flow collection that `error` found unclosed opens. */
function unclosedStart(doc: Document.Parsed, error: YAMLError): number | undefined {
  if (error.code !== 'MISSING_CHAR' && error.code !== 'BAD_INDENT') return undefined;
  let start: number | undefined;
  visit(doc, (_key, node) => {
    const open =
      (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) ||
      ((isMap(node) || isSeq(node)) && node.flow === true);
    const range = isNode(node) ? node.range : undefined;
    if (open && range && range[1] === error.pos[0] && range[0] < error.pos[0]) {
      start = range[0];
      return visit.BREAK;
    }
    return undefined;
  });
  return start;
}

/** `*name` with no `&name` before it: the yaml library throws only when it builds the value. */
function unresolvedAlias(doc: Document.Parsed, lineOf: LineOf): YamlIssue | undefined {
  const anchors = new Set<string>();
  let issue: YamlIssue | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node) && !anchors.has(node.source)) {
      issue = {
        line: lineOf(node),
        code: 'yaml-syntax',
        message: `alias *${node.source} refers to no anchor: expected "&${node.source}" on an earlier value; define the anchor first or write the value out`,
      };
      return visit.BREAK;
    }
    if (isNode(node) && node.anchor) anchors.add(node.anchor);
    return undefined;
  });
  return issue;
}

function unreadable(firstLine: number, err: unknown): YamlIssue {
  return { line: firstLine, code: 'yaml-syntax', message: `YAML could not be read: ${errorText(err)}` };
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
