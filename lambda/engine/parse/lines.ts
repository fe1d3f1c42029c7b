// Side table of how to find the file line of any key inside a parsed step, so lint can point at the
// exact line (`path`, `body.message.client_id`) while the Step type stays the plain data model. Lines
// are looked up only when a finding needs one.
import type { Step } from '../model.js';
import type { Pointer } from './templates.js';

/** File line of the key or item at `at` inside the step; undefined when the step has none. */
export type LineLookup = (at: Pointer) => number | undefined;

const TABLE = new WeakMap<Step, LineLookup>();

export function rememberLines(step: Step, lookup: LineLookup): void {
  TABLE.set(step, lookup);
}

/** File line of `at` inside `step` (or of its nearest parent that has one); the step's line as a fallback. */
export function lineIn(step: Step, at: Pointer): number {
  const lookup = TABLE.get(step);
  if (lookup) {
    for (let n = at.length; n > 0; n--) {
      const line = lookup(at.slice(0, n));
      if (line !== undefined) return line;
    }
  }
  return step.line;
}
