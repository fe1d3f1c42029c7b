// The Lambda's hard deadline as an AbortSignal. Docs stop starting STOP_MARGIN_MS before the timeout
// (skip "deadline"); docs still in flight are aborted at half that margin, which leaves the other half
// to store their results, settle and close the run before Lambda ends the invocation.

export interface DeadlineAbort {
  readonly signal: AbortSignal;
  /** Stops the timer (the run ended first). */
  readonly clear: () => void;
}

/** The share of the stop margin left after in-flight docs are aborted, to store and close the run. */
export const CLOSE_SHARE = 0.5;

export function deadlineAbort(remainingMs: number, stopMarginMs: number): DeadlineAbort {
  const controller = new AbortController();
  const inMs = Math.max(0, remainingMs - Math.floor(stopMarginMs * CLOSE_SHARE));
  const timer = setTimeout(
    () => controller.abort(new Error("deadline: the run's time ran out before the Lambda timeout")),
    inMs,
  );
  timer.unref?.();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
