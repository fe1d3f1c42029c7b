// V8 tier-up tuning for the CLI's `run` and `start`, processes that live a few seconds.
//
// Node 20's V8 (11.x) sends a function to TurboFan after a small amount of interpreted work (the
// "interrupt budget", 66 KB of bytecode executed by default; the budget suits pages and servers that
// run for hours). In a 350-doc run that sends about 270 functions to TurboFan. The compiles run on
// background threads and cost about 30% of the process's CPU, most of it never paid back before
// exit. A budget 4.5 times larger leaves only the hottest functions to TurboFan: `npm run bench` shows
// about 15% less CPU per request and the same wall time (README "Performance").
//
// When: after the command's modules are loaded, just before it runs. Changing any V8 flag changes
// V8's flag hash, and Node then rejects its built-in code cache: every Node built-in module loaded
// afterwards (http, http2, child_process, ...) is compiled from source, which cost about 15 ms of
// start-up when the flag was set first thing.
//
// Node 22 (V8 12, the Lambda runtime) tiers up through Maglev, counts invocations instead, and
// gains nothing measurable from the same kind of change, so it is left alone. The Lambda handlers
// never call this (a warm container runs many times and does repay the compiles), nor does `main`
// called in-process, as tests do: only the bin entry asks for it.
import { setFlagsFromString } from 'node:v8';

export const SHORT_RUN_INTERRUPT_BUDGET = 300_000;

let wanted = false;
let applied = false;

/** The V8 flag this Node gets, or undefined when its defaults are kept. */
export function jitFlagFor(v8Version: string): string | undefined {
  const major = Number.parseInt(v8Version, 10);
  // `--interrupt-budget` exists up to V8 11; V8 12 would print an "unknown flag" error for it.
  return major === 11 ? `--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}` : undefined;
}

/** Called by the bin entry: this process is the CLI, so a run may tune V8 for itself. */
export function wantJitTuning(): void {
  wanted = true;
}

/** Applies `jitFlagFor(process.versions.v8)` once, when the entry asked for it; returns the flag set. */
export function tuneJitForShortRun(): string | undefined {
  if (!wanted || applied) return undefined;
  applied = true;
  const flag = jitFlagFor(process.versions.v8);
  if (flag) setFlagsFromString(flag);
  return flag;
}
