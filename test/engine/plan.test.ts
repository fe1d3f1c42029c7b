// The planner: estimates, routing groups, shards that fit one Lambda, the cap shared across shards,
// and the capacity line.
import { describe, expect, it } from 'vitest';
import { syntheticDoc } from '../../bench/synth-docs.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { estimateDocs, planRun } from '../../lambda/engine/plan/plan-run.js';
import { type DocEstimate, planShards, shareCap } from '../../lambda/engine/plan/shards.js';
import type { DocSource } from '../../lambda/engine/ports.js';

const docs = (n: number, requests = 2, group?: (i: number) => string): DocEstimate[] =>
  Array.from({ length: n }, (_, i) => ({
    doc: `d/${String(i).padStart(4, '0')}.md`,
    requests,
    sleepMs: 0,
    group: group ? group(i) : `g${i}`,
  }));

function memorySource(files: Record<string, string>): DocSource {
  return { list: async () => Object.keys(files).sort(), read: async (id) => files[id] ?? '' };
}

describe('planShards', () => {
  it('keeps a run that fits one Lambda in one shard at the full cap', () => {
    const plan = planShards(docs(300, 2), { rps: 5, concurrency: 4 });
    expect(plan.shards).toHaveLength(1);
    expect(plan.shards[0]?.docs).toHaveLength(300);
    expect(plan).toMatchObject({ maxConcurrency: 1, shardRps: 5 });
    expect(plan.capacity).toMatchObject({ fits: true, requests: 600, docs: 300 });
    expect(plan.capacity.line).toBe(
      'capacity: 300 docs, 600 requests, about 2 min at 5 req/s; the period is 15 min: fits',
    );
  });

  it('cuts a big run into shards that each fit the budget, whose caps add up to at most the cap', () => {
    const plan = planShards(docs(2000, 2), { rps: 50, concurrency: 8, shardBudgetMs: 20_000 });
    expect(plan.shards.length).toBeGreaterThan(1);
    expect(plan.maxConcurrency * plan.shardRps).toBeLessThanOrEqual(50);
    expect(plan.maxConcurrency).toBe(Math.floor(50 / plan.shardRps));
    for (const s of plan.shards) expect(s.estimatedMs).toBeLessThanOrEqual(20_000);
    // Every doc is in exactly one shard.
    const all = plan.shards.flatMap((s) => s.docs);
    expect(new Set(all).size).toBe(2000);
    expect(all).toHaveLength(2000);
    // Whole waves: the shard count is a multiple of the parallelism, and shards are balanced.
    expect(plan.shards.length % plan.maxConcurrency).toBe(0);
    const sizes = plan.shards.map((s) => s.requests);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
  });

  it('never splits a routing group', () => {
    const plan = planShards(
      docs(400, 2, (i) => `g${i % 7}`),
      { rps: 10, concurrency: 4, shardBudgetMs: 10_000 },
    );
    for (let g = 0; g < 7; g++) {
      const holders = plan.shards.filter((s) => s.docs.some((d) => Number(d.slice(2, 6)) % 7 === g));
      expect(holders).toHaveLength(1);
    }
  });

  it('shares the cap so the parallel shards use all of it and never more', () => {
    expect(shareCap(50, 10)).toEqual({ parallel: 10, shardRps: 5 });
    expect(shareCap(50, 4)).toEqual({ parallel: 2, shardRps: 25 });
    expect(shareCap(7, 10)).toEqual({ parallel: 7, shardRps: 1 });
    expect(shareCap(3, 1)).toEqual({ parallel: 1, shardRps: 3 });
  });

  it('says when the run cannot fit the period, with the numbers and the fix', () => {
    const plan = planShards(docs(3000, 2), { rps: 5, concurrency: 4 });
    expect(plan.capacity.fits).toBe(false);
    expect(plan.capacity.line).toBe(
      'capacity: 3000 docs, 6000 requests, about 20.1 min at 5 req/s; the period is 15 min: does not fit; ' +
        'raise rps to at least 7, lengthen the period to at least 21 min, or split the docs into at least 2 runs (targets or filters)',
    );
  });
});

describe('planRun', () => {
  it('counts prerequisites, honours filters and status, and groups docs linked by fallback routing', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 10; n++) {
      const { id, text } = syntheticDoc(n);
      files[id] = text;
    }
    files['other/skipped.md'] = (Object.values(files)[0] ?? '').replace('status: verified', 'status: skip');
    const plan = await planRun(memorySource(files), { rps: 5, concurrency: 4, allowDelete: false });
    expect(plan.listed).toHaveLength(11);
    const byDoc = new Map(plan.estimates.map((e) => [e.doc, e]));
    // Shape 4 (n=4): two prerequisites and two test steps.
    expect(byDoc.get(syntheticDoc(4).id)?.requests).toBe(4);
    expect(byDoc.get(syntheticDoc(0).id)?.requests).toBe(2);
    expect(byDoc.get('other/skipped.md')?.requests).toBe(0);
    const filtered = await planRun(memorySource(files), {
      rps: 5,
      concurrency: 4,
      allowDelete: false,
      filters: { domains: ['sales'] },
    });
    expect(filtered.estimates.map((e) => e.doc)).toEqual([
      'other/skipped.md',
      syntheticDoc(0).id,
      syntheticDoc(7).id,
    ]);
    expect(filtered.listed).toHaveLength(11);
  });

  it('puts a doc whose step is routed by another doc`s useFallbackApi in that doc`s group', () => {
    const user = syntheticDoc(1); // POST /platform/v1/bench/coupons
    const owner = syntheticDoc(3); // declares useFallbackApi for POST /platform/v1/bench/estimates
    const sameResource = syntheticDoc(27); // shape 2, resource 3 (estimates): PUT, not linked
    const linked = syntheticDoc(51); // shape 1, resource 3 (estimates): POSTs the fallback endpoint
    const estimates = estimateDocs(
      [user, owner, sameResource, linked].map(({ id, text }) => ({ id, doc: parseDoc(id, text).doc })),
      { allowDelete: false },
    );
    const group = new Map(estimates.map((e) => [e.doc, e.group]));
    expect(group.get(linked.id)).toBe(group.get(owner.id));
    expect(group.get(sameResource.id)).not.toBe(group.get(owner.id));
    expect(group.get(user.id)).not.toBe(group.get(owner.id));
  });
});
