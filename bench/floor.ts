// The floor: the least work that makes the same requests as the verifier, at the same concurrency,
// with undici and nothing else (no parsing, no variables, no checks, no state). Its wall time is what
// the network and the target cost on this machine; the verifier is reported as a ratio to it.
import { Agent, request } from 'undici';
import type { FloorDoc } from './floor-plan.js';

export interface FloorResult {
  readonly requests: number;
  readonly failures: number;
}

/** Runs `concurrency` docs at a time; within a doc, requests go in order (as the verifier's steps do). */
export async function runFloor(docs: readonly FloorDoc[], concurrency: number): Promise<FloorResult> {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  let next = 0;
  let requests = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < docs.length; i = next++) {
      for (const r of docs[i]?.requests ?? []) {
        requests++;
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
