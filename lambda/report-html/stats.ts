// Numbers shown per doc: percentiles of durations, uptime ratios, and the order rows are listed in.
import type { Outcome } from '../engine/model.js';
import { byText } from '../engine/order.js';

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Lower is listed first: what needs a person comes first ("problems first"). */
export const PROBLEM_RANK: Record<Outcome, number> = {
  fail: 0,
  error: 1,
  blocked: 2,
  invalid: 3,
  skip: 4,
  pass: 5,
};

/**
 * A doc that let in a token it must refuse (auth.accepted, a security regression) ranks first, whatever
 * its outcome; a passing doc with a drifted contract ranks just before the clean passes.
 */
export function rankOf(r: { outcome: Outcome; drifted?: boolean; authAccepted?: boolean }): number {
  if (r.authAccepted) return -1;
  return r.outcome === 'pass' && r.drifted ? 4.5 : PROBLEM_RANK[r.outcome];
}

export function problemsFirst<
  T extends { outcome: Outcome; doc: string; drifted?: boolean; authAccepted?: boolean },
>(a: T, b: T): number {
  return rankOf(a) - rankOf(b) || byText(a.doc, b.doc);
}

export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined) return '–';
  const pct = ratio * 100;
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `2026-11-25 10:30:22Z`: compact and unambiguous, the same for every reader. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
