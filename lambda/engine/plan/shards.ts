// Cutting a run into shards (issue 14): each shard fits comfortably in one Lambda at its share of
// the target's rate cap, the shards that run at once never add up to more than the cap, and the
// plan says plainly when the whole run cannot fit in the schedule period.

/** What one doc is expected to cost. Docs in the same `group` route through each other: one shard. */
export interface DocEstimate {
  readonly doc: string;
  /** Requests its steps send (prerequisites included); 0 for a doc that will not send any. */
  readonly requests: number;
  /** Sum of its steps' sleeps. */
  readonly sleepMs: number;
  readonly group: string;
}

export interface PlanLimits {
  /** The target's cap in requests per second; 0 = uncapped. */
  readonly rps: number;
  /** Docs in flight at once in one Lambda. */
  readonly concurrency: number;
  /** Wall time one shard may be planned to take. @default - 60% of 15 minutes (540 s) */
  readonly shardBudgetMs?: number;
  /** The schedule period the whole run must fit in. @default - 15 minutes */
  readonly periodMs?: number;
  /** Shards in flight at once, at most. @default 10 */
  readonly maxParallelShards?: number;
  /** Assumed time one request takes, for the latency-bound part of an estimate. @default 250 */
  readonly requestMs?: number;
}

export interface Shard {
  readonly index: number;
  readonly docs: readonly string[];
  readonly requests: number;
  readonly estimatedMs: number;
}

export interface Capacity {
  readonly fits: boolean;
  readonly docs: number;
  readonly requests: number;
  /** Estimated wall time of the whole run at the cap, shards included. */
  readonly estimatedMs: number;
  readonly periodMs: number;
  readonly rps: number;
  /** One line for the report: the numbers, and the fix when it does not fit. */
  readonly line: string;
}

export interface Plan {
  readonly shards: readonly Shard[];
  /** Shards in flight at once (the Map's MaxConcurrency). */
  readonly maxConcurrency: number;
  /** Each shard's own cap; `maxConcurrency * shardRps <= rps`. 0 = uncapped. */
  readonly shardRps: number;
  readonly capacity: Capacity;
}

export const PLAN_DEFAULTS = {
  shardBudgetMs: 540_000,
  periodMs: 900_000,
  maxParallelShards: 10,
  requestMs: 250,
} as const;

/** A doc that sends nothing still costs a little (read, parse, store): it keeps shards from piling up. */
const FLOOR_MS_PER_DOC = 5;

/** Wall time of `requests` requests and `sleepMs` of sleeps at `rps`, `concurrency` docs at once. */
export function estimateMs(
  requests: number,
  sleepMs: number,
  rps: number,
  concurrency: number,
  requestMs: number = PLAN_DEFAULTS.requestMs,
): number {
  const c = Math.max(1, concurrency);
  const capped = rps > 0 ? (requests / rps) * 1000 : 0;
  return Math.ceil(Math.max(capped, (requests * requestMs) / c) + sleepMs / c);
}

/**
 * The shard count's parallelism and per-shard cap: the most shards at once (up to the limit) whose
 * equal shares of the cap add up to as much of it as possible, never more.
 */
export function shareCap(rps: number, maxParallel: number): { parallel: number; shardRps: number } {
  if (rps <= 0) return { parallel: Math.max(1, maxParallel), shardRps: 0 };
  let best = { parallel: 1, shardRps: rps };
  for (let c = 1; c <= Math.min(maxParallel, rps); c++) {
    const share = Math.floor(rps / c);
    if (c * share >= best.parallel * best.shardRps) best = { parallel: c, shardRps: share };
  }
  return best;
}

interface Group {
  readonly docs: string[];
  requests: number;
  sleepMs: number;
}

function groupsOf(estimates: readonly DocEstimate[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const e of estimates) {
    let g = byKey.get(e.group);
    if (!g) {
      g = { docs: [], requests: 0, sleepMs: 0 };
      byKey.set(e.group, g);
    }
    g.docs.push(e.doc);
    g.requests += e.requests;
    g.sleepMs += e.sleepMs;
  }
  return [...byKey.values()];
}

export function planShards(estimates: readonly DocEstimate[], limits: PlanLimits): Plan {
  const budget = limits.shardBudgetMs ?? PLAN_DEFAULTS.shardBudgetMs;
  const periodMs = limits.periodMs ?? PLAN_DEFAULTS.periodMs;
  const requestMs = limits.requestMs ?? PLAN_DEFAULTS.requestMs;
  const { rps, concurrency } = limits;
  const requests = estimates.reduce((n, e) => n + e.requests, 0);
  const sleepMs = estimates.reduce((n, e) => n + e.sleepMs, 0);
  const cost = (g: { requests: number; sleepMs: number; docs: readonly string[] }, at: number) =>
    estimateMs(g.requests, g.sleepMs, at, concurrency, requestMs) + g.docs.length * FLOOR_MS_PER_DOC;
  const all = { requests, sleepMs, docs: estimates.map((e) => e.doc) };
  const oneMs = cost(all, rps);

  let shards: Shard[];
  let parallel = 1;
  let shardRps = rps;
  if (oneMs <= budget || estimates.length <= 1) {
    shards = [{ index: 0, docs: all.docs, requests, estimatedMs: oneMs }];
  } else {
    ({ parallel, shardRps } = shareCap(rps, limits.maxParallelShards ?? PLAN_DEFAULTS.maxParallelShards));
    const groups = groupsOf(estimates).sort((a, b) => cost(b, shardRps) - cost(a, shardRps));
    // Whole waves of `parallel` shards, so no wave runs below the cap; more shards until each fits.
    let n = parallel * Math.ceil(Math.ceil(cost(all, shardRps) / budget) / parallel);
    for (;;) {
      const bins = pack(groups, Math.min(n, groups.length), (g) => cost(g, shardRps));
      const biggest = Math.max(...bins.map((b) => b.ms));
      if (biggest <= budget || n >= groups.length) {
        shards = bins
          .filter((b) => b.docs.length > 0)
          .map((b, index) => ({ index, docs: b.docs, requests: b.requests, estimatedMs: b.ms }));
        break;
      }
      n += parallel;
    }
    parallel = Math.min(parallel, shards.length);
  }
  // Shards in waves of `parallel`: no faster than the longest shard, nor than the work shared out.
  const longest = Math.max(0, ...shards.map((s) => s.estimatedMs));
  const estimatedMs = Math.max(longest, Math.ceil(shards.reduce((n, s) => n + s.estimatedMs, 0) / parallel));
  return {
    shards,
    maxConcurrency: parallel,
    shardRps,
    capacity: capacityOf({ docs: estimates.length, requests, estimatedMs, periodMs, rps }),
  };
}

/** Longest first into the least-loaded bin: shards end at about the same time. */
function pack(groups: readonly Group[], n: number, cost: (g: Group) => number) {
  const bins = Array.from({ length: Math.max(1, n) }, () => ({
    docs: [] as string[],
    requests: 0,
    sleepMs: 0,
    ms: 0,
  }));
  for (const g of groups) {
    let bin = bins[0];
    for (const b of bins) if (bin && b.ms < bin.ms) bin = b;
    if (!bin) continue;
    bin.docs.push(...g.docs);
    bin.requests += g.requests;
    bin.sleepMs += g.sleepMs;
    bin.ms = cost(bin);
  }
  return bins;
}

const minutes = (ms: number) => `${Math.round((ms / 60_000) * 10) / 10} min`;

function capacityOf(c: Omit<Capacity, 'fits' | 'line'>): Capacity {
  const fits = c.estimatedMs <= c.periodMs;
  const at = c.rps > 0 ? `at ${c.rps} req/s` : 'uncapped';
  const head = `capacity: ${c.docs} docs, ${c.requests} requests, about ${minutes(c.estimatedMs)} ${at}; the period is ${minutes(c.periodMs)}`;
  if (fits) return { ...c, fits, line: `${head}: fits` };
  const periodS = c.periodMs / 1000;
  const fixes = [
    ...(c.rps > 0 ? [`raise rps to at least ${Math.ceil(c.requests / periodS)}`] : []),
    `lengthen the period to at least ${Math.ceil(c.estimatedMs / 60_000)} min`,
    `or split the docs into at least ${Math.ceil(c.estimatedMs / c.periodMs)} runs (targets or filters)`,
  ];
  return { ...c, fits, line: `${head}: does not fit; ${fixes.join(', ')}` };
}
