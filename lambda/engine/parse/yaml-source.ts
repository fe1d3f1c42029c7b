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
import { CORE_SCHEMA } from './core-schema.js';
import type { Pointer } from './templates.js';
import { parseWithYaml } from './yaml-library.js';
import type { ParsedYaml } from './yaml-result.js';

/** Where js-yaml started one node (one composeNode call), with what it read. */
interface Frame {
  readonly line: number;
  /** NO_CHILDREN until a child is recorded: most nodes are scalars, so most frames allocate no array. */
  children: Frame[];
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

/** The shared empty children of a frame with none (never pushed to). */
const NO_CHILDREN: Frame[] = [];

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
          const frame: Frame = { line: st.line, children: NO_CHILDREN, kind: null, result: undefined };
          const parent = stack[stack.length - 1] as Frame;
          if (parent.children === NO_CHILDREN) parent.children = [frame];
          else parent.children.push(frame);
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

export { parseWithYaml } from './yaml-library.js';
export type { ParsedYaml, YamlIssue } from './yaml-result.js';
