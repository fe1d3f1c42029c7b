// The run-wide rate cap: never more than `rps` request starts in any window of one second
// (p-throttle's strict mode is a sliding window). 0 = no cap.
import pThrottle from 'p-throttle';

/**
 * A small guard on top of the one-second window: the server sees a request a little after the
 * client starts it, and that delay varies (a new connection vs. a pooled one). Without the guard,
 * two starts 1000 ms apart can arrive 990 ms apart and the cap would not hold where it is measured.
 */
export const WINDOW_GUARD_MS = 50;

export type RateCap = <T>(fn: () => Promise<T>) => Promise<T>;

export function createRateCap(rps: number): RateCap {
  if (!(rps > 0)) return (fn) => fn();
  const throttled = pThrottle({
    limit: Math.floor(rps) || 1,
    interval: 1000 + WINDOW_GUARD_MS,
    strict: true,
  })((fn: () => Promise<unknown>) => fn());
  return <T>(fn: () => Promise<T>) => throttled(fn) as Promise<T>;
}
