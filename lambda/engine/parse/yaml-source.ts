// YAML with the 1.2 core schema, alias-bomb protection and file line numbers for any node.
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
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
  readonly root: Node | null;
  readonly issues: readonly YamlIssue[];
  /** File line (1-based) of a node or pair key. */
  lineOf(node: { range?: [number, number, number] | null | undefined } | null | undefined): number;
}

/** Parses `source`, whose first line is line `firstLine` of the file. Never throws. */
export function parseYaml(source: string, firstLine: number): ParsedYaml {
  const counter = new LineCounter();
  const lineAt = (offset: number): number => counter.linePos(offset).line + firstLine - 1;
  const lineOf: ParsedYaml['lineOf'] = (node) => (node?.range ? lineAt(node.range[0]) : firstLine);
  try {
    const doc = parseDocument(source, {
      schema: 'core',
      lineCounter: counter,
      uniqueKeys: true,
      prettyErrors: true,
    });
    const issues: YamlIssue[] = doc.errors.map((e) => ({
      line: e.linePos ? e.linePos[0].line + firstLine - 1 : lineAt(e.pos[0]),
      code: 'yaml-syntax' as const,
      message: firstSentence(e.message),
    }));
    if (issues.length > 0) return { value: undefined, root: null, issues, lineOf };
    try {
      const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      return { value: normaliseDates(value), root: doc.contents, issues, lineOf };
    } catch (err) {
      const bomb = err instanceof ReferenceError && /alias/i.test(err.message);
      return {
        value: undefined,
        root: null,
        issues: [
          {
            line: firstLine,
            code: bomb ? 'yaml-bomb' : 'yaml-syntax',
            message: bomb
              ? `YAML expands too many aliases (more than ${MAX_ALIAS_COUNT}): this looks like a resource-exhaustion ("billion laughs") document; write the values out instead of nesting aliases`
              : `YAML could not be read: ${errorText(err)}`,
          },
        ],
        lineOf,
      };
    }
  } catch (err) {
    return {
      value: undefined,
      root: null,
      issues: [
        { line: firstLine, code: 'yaml-syntax', message: `YAML could not be read: ${errorText(err)}` },
      ],
      lineOf,
    };
  }
}

/**
 * File line of the key (in a map) or item (in a sequence) at `at` under `node`, found when asked for
 * (most nodes never need theirs). Map keys match strings, sequence items numbers; with duplicate key
 * texts (`1` and "1") the last one holding the path wins, as in the JS value.
 */
export function lineAtPath(
  node: unknown,
  at: Pointer,
  lineOf: ParsedYaml['lineOf'],
  from = 0,
): number | undefined {
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
 * File lines of every key and item under `node`, by pointer (`pointerKey` of the key path), in one walk
 * that builds each pointer from its parent's.
 */
export function collectLines(
  node: unknown,
  lineOf: ParsedYaml['lineOf'],
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

/** The key of a path in `collectLines`' map: its JSON. */
export function pointerKey(at: Pointer): string {
  return JSON.stringify(at);
}

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
export function normaliseDates(value: unknown): unknown {
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
