// Retry policy arithmetic for 429 answers: Retry-After (delta-seconds or HTTP date), else
// exponential backoff.

/** Milliseconds to wait as a Retry-After header asks, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** 1 s, 2 s, 4 s, ... for retry number `attempt` (0-based). */
export const backoffMs = (attempt: number, baseMs = 1000): number => baseMs * 2 ** attempt;
