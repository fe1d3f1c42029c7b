// Side table of the file line of every key inside a parsed step, so lint can point at the exact line
// (`path`, `body.message.client_id`) while the Step type stays the plain data model. Lines are looked up
// in the step's YAML node when asked for: most steps never need one.
import type { Step } from '../model.js';
import type { Pointer } from './templates.js';

/** File line of the key or item at `at` inside the step, or undefined when it has none of its own. */
export type LineLookup = (at: Pointer) => number | undefined;

const TABLE = new WeakMap<Step, LineLookup>();

export function rememberLines(step: Step, lines: LineLookup): void {
  TABLE.set(step, lines);
}

/** File line of `at` inside `step` (or of its nearest recorded parent); the step's line as a fallback. */
export function lineIn(step: Step, at: Pointer): number {
  const lines = TABLE.get(step);
  if (lines) {
    for (let n = at.length; n > 0; n--) {
      const line = lines(at.slice(0, n));
      if (line !== undefined) return line;
    }
  }
  return step.line;
}
