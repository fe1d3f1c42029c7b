// The floor: the least work that makes the same requests as the verifier, at the same concurrency,
// with undici and nothing else (no parsing, no variables, no checks, no state). Its wall time is what
// the network and the target cost on this machine; the verifier is reported as a ratio to it.
import pThrottle from 'p-throttle';
import { Agent, request } from 'undici';
import type { FloorDoc } from './floor-plan.js';

export interface FloorResult {
  readonly requests: number;
  readonly failures: number;
}

/**
 * A rate-capped floor uses the same sliding window the verifier's HTTP adapter uses (p-throttle strict,
 * `rps` starts per 1,050 ms), as a control for what the target sees from a cap without verifier work.
 */
export const FLOOR_WINDOW_MS = 1050;

/** Runs `concurrency` docs at a time; within a doc, requests go in order (as the verifier's steps do). */
export async function runFloor(
  docs: readonly FloorDoc[],
  concurrency: number,
  rps = 0,
): Promise<FloorResult> {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const gate =
    rps > 0
      ? pThrottle({ limit: rps, interval: FLOOR_WINDOW_MS, strict: true })(() => undefined)
      : async () => undefined;
  let next = 0;
  let requests = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < docs.length; i = next++) {
      for (const r of docs[i]?.requests ?? []) {
        requests++;
        await gate();
        try {
          const res = await request(r.url, {
            method: r.method as 'GET',
            headers: r.headers,
            body: r.body,
            dispatcher,
          });
          await res.body.text();
        } catch {
          failures++;
        }
        if (r.sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, r.sleepMs));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  await dispatcher.close();
  return { requests, failures };
}
