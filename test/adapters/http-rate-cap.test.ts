// The rate cap's arithmetic on a controlled clock: starts are spaced by actual times, and a late
// timer never lets two starts that are N apart come closer than the window.
import { expect, it } from 'vitest';
import { createRateCap, WINDOW_GUARD_MS } from '../../lambda/adapters/http/rate-cap.js';

const WINDOW = 1000 + WINDOW_GUARD_MS;

function lateClock(lateMs: number) {
  let t = 0;
  return {
    now: () => t,
    // Every timer fires `lateMs` after it was due, as on a busy event loop.
    sleep: async (ms: number) => {
      t += ms + lateMs;
    },
  };
}

it.each([0, 37, 400])(
  'keeps any N+1 consecutive starts at least one window apart (timers %i ms late)',
  async (late) => {
    const clock = lateClock(late);
    const cap = createRateCap(3, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => cap(async () => void starts.push(clock.now()))));
    expect(starts).toHaveLength(10);
    for (let i = 3; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 3] as number)).toBeGreaterThanOrEqual(WINDOW);
    }
    // The first burst goes at once: the cap limits, it does not pace below the rate.
    expect(starts.slice(0, 3)).toEqual([0, 0, 0]);
  },
);

it('does nothing at 0 (no cap)', async () => {
  const clock = lateClock(0);
  const cap = createRateCap(0, clock);
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 20 }, () => cap(async () => void starts.push(clock.now()))));
  expect(new Set(starts)).toEqual(new Set([0]));
});

it('counts a start from when its request was written, not from when it was let through', async () => {
  // The first request is let through at 0 but only written 300 ms later (it waited for a connection,
  // or synchronous work ran in between); the others go out at once. The server sees write times.
  let t = 0;
  const stalls = [300];
  const dispatches: number[] = [];
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  const cap = createRateCap(2, clock);
  await Promise.all(
    Array.from({ length: 6 }, () =>
      cap(async (written) => {
        t += stalls.shift() ?? 0;
        dispatches.push(t);
        written();
      }),
    ),
  );
  expect(dispatches).toHaveLength(6);
  expect(dispatches.slice(0, 2)).toEqual([300, 300]);
  for (let i = 2; i < dispatches.length; i++) {
    expect((dispatches[i] as number) - (dispatches[i - 2] as number)).toBeGreaterThanOrEqual(WINDOW);
  }
});
