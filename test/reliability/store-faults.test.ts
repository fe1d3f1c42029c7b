// The state store failing mid-run (disk full, table throttled): the run stops starting docs, says why,
// marks the run failed, and keeps what it had recorded. A result is never reported as recorded when it
// was not.
import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { runWith, tempDir, useFaultTarget } from './harness.js';

const t = useFaultTarget();

/** A real store whose `recordDocResult` fails from the `failFrom`-th call on. */
function failingAfter(inner: StateStore, failFrom: number): StateStore {
  let calls = 0;
  return {
    ...inner,
    startRun: (r) => inner.startRun(r),
    finishRun: (...a) => inner.finishRun(...a),
    recordDocResult: async (runId, result) => {
      calls++;
      if (calls >= failFrom) throw new Error('ENOSPC: no space left on device');
      return inner.recordDocResult(runId, result);
    },
  };
}

describe('a state store that fails mid-run', () => {
  it('stops the run with the store error, marks it failed, and keeps the results already recorded', async () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      docs[`s/d-${String(i).padStart(2, '0')}.md`] = docWithStep(okStep('c', { path: `/ok?i=${i}` }));
    const inner = createLocalStateStore({ dir: await tempDir() });
    const run = runWith(
      { docs, baseUrl: t.fs.url, http: t.http, options: { concurrency: 2, runId: 'store-fault-run' } },
      failingAfter(inner, 4),
    );
    await expect(run).rejects.toThrow(/ENOSPC/);
    const record = await inner.getRun('store-fault-run');
    expect(record?.status).toBe('failed');
    const results = await inner.getRunResults('store-fault-run');
    expect(results).toHaveLength(3);
    // Docs are not started once the store failed: at most the ones already in flight went out.
    expect(t.fs.hits('/ok').length).toBeLessThanOrEqual(3 + 1 + 2);
  });
});

describe('the run record', () => {
  const docsOf = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`s/r-${i}.md`, docWithStep(okStep('c', { path: `/ok?r=${i}` }))]),
    );
  /** Requests to /ok from here on (the server counts them for the whole file). */
  const okHits = () => {
    const before = t.fs.hits('/ok').length;
    return () => t.fs.hits('/ok').length - before;
  };

  it('holds every request back until it is stored, however slow the store', async () => {
    const inner = createLocalStateStore({ dir: await tempDir() });
    const sent = okHits();
    let hitsWhenStored = -1;
    const slow: StateStore = {
      ...inner,
      startRun: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        await inner.startRun(r);
        hitsWhenStored = sent();
      },
    };
    const run = await runWith({ docs: docsOf(4), baseUrl: t.fs.url, http: t.http }, slow);
    expect(run.result.summary).toMatchObject({ pass: 4, total: 4 });
    expect(hitsWhenStored).toBe(0);
    expect(sent()).toBe(4);
  });

  it('is stored before any result is recorded, even of docs decided without a request', async () => {
    const inner = createLocalStateStore({ dir: await tempDir() });
    const sent = okHits();
    let stored = false;
    const early: string[] = [];
    const slow: StateStore = {
      ...inner,
      startRun: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await inner.startRun(r);
        stored = true;
      },
      recordDocResult: (runId, result) => {
        if (!stored) early.push(result.doc);
        return inner.recordDocResult(runId, result);
      },
    };
    const docs = {
      ...docsOf(2),
      // Decided while preparing: invalid (a step without a path) and skipped (status: skipped).
      's/invalid.md': docWithStep({ id: 'c', method: 'GET', expect: { status: 200 } }),
      's/skipped.md': docWithStep(
        okStep('c', { path: '/ok?skipped' }),
        'endpoint: "GET /ok"\ndomain: s\nstatus: skipped',
      ),
    };
    const run = await runWith({ docs, baseUrl: t.fs.url, http: t.http }, slow);
    expect(run.byDoc('s/invalid.md').outcome).toBe('invalid');
    expect(run.byDoc('s/skipped.md').outcome).toBe('skip');
    expect(early).toEqual([]);
    expect(sent()).toBe(2);
  });

  it('cannot be stored: nothing is sent, and the run fails with the store error', async () => {
    const inner = createLocalStateStore({ dir: await tempDir() });
    const sent = okHits();
    const broken: StateStore = {
      ...inner,
      startRun: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('EACCES: permission denied');
      },
    };
    await expect(runWith({ docs: docsOf(3), baseUrl: t.fs.url, http: t.http }, broken)).rejects.toThrow(
      /EACCES/,
    );
    expect(sent()).toBe(0);
  });
});
