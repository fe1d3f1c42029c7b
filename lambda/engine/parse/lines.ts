// Side table of the file line of every key inside a parsed step, so lint can point at the exact line
// (`path`, `body.message.client_id`) while the Step type stays the plain data model.
import type { Step } from '../model.js';
import type { Pointer } from './templates.js';
import { pointerKey } from './yaml-source.js';

/** The lines, or how to read them: they are read only when lint needs one (a finding). */
type Lines = ReadonlyMap<string, number> | (() => ReadonlyMap<string, number>);

const TABLE = new WeakMap<Step, Lines>();

export function rememberLines(step: Step, lines: Lines): void {
  TABLE.set(step, lines);
}

/** File line of `at` inside `step` (or of its nearest recorded parent); the step's line as a fallback. */
export function lineIn(step: Step, at: Pointer): number {
  let lines = TABLE.get(step);
  if (typeof lines === 'function') {
    lines = lines();
    TABLE.set(step, lines);
  }
  if (lines) {
    for (let n = at.length; n > 0; n--) {
      const line = lines.get(pointerKey(at.slice(0, n)));
      if (line !== undefined) return line;
    }
  }
  return step.line;
}
