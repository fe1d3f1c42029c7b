// The run-wide rate cap: never more than `rps` request starts in any window of one second, measured
// on actual start times. 0 = no cap.
//
// Why not p-throttle's strict mode: it computes each queued call's delay from the *scheduled* times of
// earlier calls; when a timer fires late (a busy event loop), the real gap between call k-N and call k
// shrinks below the interval and the cap is exceeded for that moment. Here every start is recorded when
// it really happens and a waiter re-checks the window after each wake-up, so late timers only ever
// make the rate lower.

/**
 * A small guard on top of the one-second window: the server sees a request a little after the client
 * starts it, and that delay varies (a new connection vs. a pooled one). Without the guard, two starts
 * 1000 ms apart can arrive 990 ms apart and the cap would not hold where it is measured.
 */
export const WINDOW_GUARD_MS = 50;
const WINDOW_MS = 1000 + WINDOW_GUARD_MS;

export type RateCap = <T>(fn: () => Promise<T>) => Promise<T>;

export interface RateCapClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RateCapClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createRateCap(rps: number, clock: RateCapClock = realClock): RateCap {
  if (!(rps > 0)) return (fn) => fn();
  const limit = Math.max(1, Math.floor(rps));
  /** Actual start times of the last `limit` requests, oldest first. */
  const starts: number[] = [];
  let queue: Promise<void> = Promise.resolve();

  const acquire = (): Promise<void> => {
    const turn = queue.then(async () => {
      for (;;) {
        if (starts.length < limit) break;
        const wait = (starts[0] as number) + WINDOW_MS - clock.now();
        if (wait <= 0) {
          starts.shift();
          break;
        }
        await clock.sleep(Math.ceil(wait));
      }
      starts.push(clock.now());
    });
    queue = turn;
    return turn;
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    await acquire();
    return fn();
  };
}
