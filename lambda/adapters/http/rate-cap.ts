// The run-wide rate cap: never more than `rps` request starts in any window of one second, measured
// on actual start times. 0 = no cap.
//
// Why not p-throttle's strict mode: it computes each queued call's delay from the *scheduled* times of
// earlier calls; when a timer fires late (a busy event loop), the real gap between call k-N and call k
// shrinks below the interval and the cap is exceeded for that moment. Here every start is recorded when
// it really happens and a waiter re-checks the window after each wake-up, so late timers only ever
// make the rate lower. A start is then re-dated to when the request was really written to its socket
// (the HTTP client says so), so neither a busy event loop nor a wait for a connection between letting
// a request through and sending it can bunch arrivals at the server.

/**
 * A small guard on top of the one-second window: the server sees a request a little after the client
 * starts it, and that delay varies (a new connection vs. a pooled one). Without the guard, two starts
 * 1000 ms apart can arrive 990 ms apart and the cap would not hold where it is measured.
 */
export const WINDOW_GUARD_MS = 50;
/** The window every start counts in: one second plus the guard. */
export const RATE_WINDOW_MS = 1000 + WINDOW_GUARD_MS;

/** Runs `fn` within the cap; `fn` calls `written()` when its request really goes out. */
export type RateCap = <T>(fn: (written: () => void) => Promise<T>) => Promise<T>;

export interface RateCapClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RateCapClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createRateCap(rps: number, clock: RateCapClock = realClock): RateCap {
  if (!(rps > 0)) return (fn) => fn(() => {});
  const limit = Math.max(1, Math.floor(rps));
  /**
   * Start times still inside the window. A start is recorded when it is let through, then moved to
   * when the request was really written: a wait for a connection or a busy event loop can hold the
   * request back after it was let through, and it must count from when the server may see it.
   */
  let starts: { at: number }[] = [];
  let queue: Promise<void> = Promise.resolve();

  const acquire = (): Promise<{ at: number }> => {
    const turn = queue.then(async () => {
      for (;;) {
        const now = clock.now();
        starts = starts.filter((s) => s.at + RATE_WINDOW_MS > now);
        if (starts.length < limit) break;
        // Re-dated starts may be out of order: wait for the one whose expiry leaves room.
        const ats = starts.map((s) => s.at).sort((a, b) => a - b);
        await clock.sleep(Math.ceil((ats[starts.length - limit] as number) + RATE_WINDOW_MS - now));
      }
      const start = { at: clock.now() };
      starts.push(start);
      return start;
    });
    queue = turn.then(() => undefined);
    return turn;
  };
  return async <T>(fn: (written: () => void) => Promise<T>): Promise<T> => {
    const start = await acquire();
    return fn(() => {
      start.at = Math.max(start.at, clock.now());
    });
  };
}
