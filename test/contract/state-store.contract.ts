// The StateStore contract: every implementation (local files, DynamoDB) runs these same tests.
// Usage: describeStateStoreContract('local', async () => ({ store, cleanup }))
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusinessState, DocResult, Outcome } from '../../lambda/engine/model.js';
import { emptySummary } from '../../lambda/engine/model.js';
import type { StateStore } from '../../lambda/engine/ports.js';

export type MakeStateStore = () => Promise<{ store: StateStore; cleanup?: () => Promise<void> }>;

/** A DocResult fixture; `at` is the result's start time. */
export function docResult(
  doc: string,
  outcome: Outcome,
  at: string,
  extra: Partial<DocResult> = {},
): DocResult {
  return {
    doc,
    domain: doc.split('/')[0] ?? 'root',
    endpoint: 'GET /platform/v1/clients',
    outcome,
    durationMs: 12,
    startedAt: at,
    steps: [
      {
        id: 'get_client',
        phase: 'test',
        line: 30,
        method: 'GET',
        url: 'http://127.0.0.1:1/platform/v1/clients',
        status: outcome === 'pass' ? 200 : 500,
        expected: [200],
        outcome: outcome === 'pass' ? 'pass' : 'fail',
        durationMs: 12,
      },
    ],
    ...(outcome === 'pass' ? {} : { reason: `step get_client: ${outcome}` }),
    ...extra,
  };
}

export function business(
  businessId: string,
  version: number,
  extra: Partial<BusinessState> = {},
): BusinessState {
  return {
    businessId,
    condition: 'spam_flagged',
    since: '2026-01-01T00:00:00.000Z',
    affectedDocs: ['communication/post_platform_v1_messages.md'],
    version,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const T = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

export function describeStateStoreContract(name: string, makeStore: MakeStateStore): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    describe('runs', () => {
      it('starts, records and finishes a run', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running', trigger: 'cli' });
        expect(await store.getRun('r1')).toEqual({
          runId: 'r1',
          startedAt: T(0),
          status: 'running',
          trigger: 'cli',
        });
        const summary = { ...emptySummary(), total: 1, pass: 1 };
        await store.finishRun('r1', T(1), summary);
        expect(await store.getRun('r1')).toEqual({
          runId: 'r1',
          startedAt: T(0),
          finishedAt: T(1),
          status: 'finished',
          trigger: 'cli',
          summary,
        });
      });

      it('records a failed run status when asked', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        await store.finishRun('r1', T(1), emptySummary(), 'failed');
        expect((await store.getRun('r1'))?.status).toBe('failed');
      });

      it('returns undefined for an unknown run and no results', async () => {
        expect(await store.getRun('nope')).toBeUndefined();
        expect(await store.getRunResults('nope')).toEqual([]);
      });

      it('returns a run’s results in completion order, unchanged', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        const results = [
          docResult('b/second.md', 'fail', T(1)),
          docResult('a/first.md', 'pass', T(0)),
          docResult('c/third.md', 'skip', T(2), { reason: 'deletes disabled', steps: [] }),
        ];
        for (const r of results) await store.recordDocResult('r1', r);
        expect(await store.getRunResults('r1')).toEqual(results);
      });

      it('keeps results of different runs apart', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        await store.startRun({ runId: 'r2', startedAt: T(5), status: 'running' });
        await store.recordDocResult('r1', docResult('a/x.md', 'pass', T(0)));
        await store.recordDocResult('r2', docResult('a/y.md', 'fail', T(5)));
        expect((await store.getRunResults('r1')).map((r) => r.doc)).toEqual(['a/x.md']);
        expect((await store.getRunResults('r2')).map((r) => r.doc)).toEqual(['a/y.md']);
      });

      it('lists runs most recent first, up to the limit', async () => {
        await store.startRun({ runId: 'r-old', startedAt: T(1), status: 'running' });
        await store.startRun({ runId: 'r-new', startedAt: T(9), status: 'running' });
        await store.startRun({ runId: 'r-mid', startedAt: T(5), status: 'running' });
        expect((await store.listRuns(10)).map((r) => r.runId)).toEqual(['r-new', 'r-mid', 'r-old']);
        expect((await store.listRuns(2)).map((r) => r.runId)).toEqual(['r-new', 'r-mid']);
        expect(await store.listRuns(0)).toEqual([]);
      });
    });

    describe('doc state', () => {
      it('records the current state of a doc from its result', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        const state = await store.recordDocResult(
          'r1',
          docResult('communication/m.md', 'fail', T(0), {
            status: 'active',
            reason: 'expected 200, got 500',
          }),
        );
        const expected = {
          doc: 'communication/m.md',
          domain: 'communication',
          endpoint: 'GET /platform/v1/clients',
          status: 'active',
          outcome: 'fail',
          since: T(0),
          consecutiveFailures: 1,
          lastRunId: 'r1',
          lastRunAt: T(0),
          reason: 'expected 200, got 500',
        };
        expect(state).toEqual(expected);
        expect(await store.getDocState('communication/m.md')).toEqual(expected);
        expect(await store.getDocState('communication/other.md')).toBeUndefined();
      });

      it('keeps `since` while the outcome stays the same and moves it when the outcome changes', async () => {
        const doc = 'a/d.md';
        await store.recordDocResult('r1', docResult(doc, 'pass', T(0)));
        const second = await store.recordDocResult('r2', docResult(doc, 'pass', T(10)));
        expect(second).toMatchObject({ outcome: 'pass', since: T(0), lastRunId: 'r2', lastRunAt: T(10) });
        const third = await store.recordDocResult('r3', docResult(doc, 'fail', T(20)));
        expect(third).toMatchObject({ outcome: 'fail', since: T(20), lastRunId: 'r3' });
      });

      it('counts fail, error and blocked in a row and resets on any other outcome', async () => {
        const doc = 'a/d.md';
        const seq: [Outcome, number][] = [
          ['fail', 1],
          ['error', 2],
          ['blocked', 3],
          ['fail', 4],
          ['pass', 0],
          ['error', 1],
          ['skip', 0],
          ['fail', 1],
          ['invalid', 0],
        ];
        let minute = 0;
        for (const [outcome, count] of seq) {
          const state = await store.recordDocResult(`r${minute}`, docResult(doc, outcome, T(minute++)));
          expect([outcome, state.consecutiveFailures]).toEqual([outcome, count]);
        }
        expect((await store.getDocState(doc))?.consecutiveFailures).toBe(0);
      });

      it('does not let a stale reason survive a pass', async () => {
        await store.recordDocResult('r1', docResult('a/d.md', 'fail', T(0), { reason: 'boom' }));
        const state = await store.recordDocResult('r2', docResult('a/d.md', 'pass', T(1)));
        expect(state.reason).toBeUndefined();
        expect((await store.getDocState('a/d.md'))?.reason).toBeUndefined();
      });

      it('lists doc states, filtered by domain and outcome', async () => {
        await store.recordDocResult('r1', docResult('billing/a.md', 'pass', T(0)));
        await store.recordDocResult('r1', docResult('billing/b.md', 'fail', T(0)));
        await store.recordDocResult('r1', docResult('crm/c.md', 'fail', T(0)));
        await store.recordDocResult('r1', docResult('crm/d.md', 'skip', T(0)));
        const docs = async (f?: Parameters<StateStore['listDocStates']>[0]) =>
          (await store.listDocStates(f)).map((s) => s.doc).sort();
        expect(await docs()).toEqual(['billing/a.md', 'billing/b.md', 'crm/c.md', 'crm/d.md']);
        expect(await docs({ domain: 'crm' })).toEqual(['crm/c.md', 'crm/d.md']);
        expect(await docs({ outcome: 'fail' })).toEqual(['billing/b.md', 'crm/c.md']);
        expect(await docs({ domain: 'billing', outcome: 'fail' })).toEqual(['billing/b.md']);
        expect(await docs({ domain: 'nowhere' })).toEqual([]);
      });

      it('loses no update when results for one doc are recorded concurrently', async () => {
        const doc = 'a/busy.md';
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            store.recordDocResult(`run-${i}`, docResult(doc, 'fail', T(i))),
          ),
        );
        expect((await store.getDocState(doc))?.consecutiveFailures).toBe(12);
      });
    });

    describe('businesses', () => {
      it('writes a business first with expected version 0, and refuses a second creation', async () => {
        expect(await store.getBusiness('b1')).toBeUndefined();
        expect(await store.putBusiness(business('b1', 1), 0)).toBe(true);
        expect(await store.getBusiness('b1')).toEqual(business('b1', 1));
        expect(await store.putBusiness(business('b1', 1, { condition: 'ok' }), 0)).toBe(false);
        expect((await store.getBusiness('b1'))?.condition).toBe('spam_flagged');
      });

      it('writes on the current version and refuses a stale one', async () => {
        await store.putBusiness(business('b1', 1), 0);
        expect(await store.putBusiness(business('b1', 2, { condition: 'ok' }), 1)).toBe(true);
        expect(await store.putBusiness(business('b1', 2, { condition: 'spam_flagged' }), 1)).toBe(false);
        expect(await store.getBusiness('b1')).toMatchObject({ version: 2, condition: 'ok' });
        expect(await store.putBusiness(business('b2', 3), 2)).toBe(false);
        expect(await store.getBusiness('b2')).toBeUndefined();
      });

      it('lets exactly one of several concurrent writers with the same expected version win', async () => {
        await store.putBusiness(business('b1', 1), 0);
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putBusiness(business('b1', 2, { runId: `w${i}` }), 1)),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        const winner = outcomes.indexOf(true);
        expect((await store.getBusiness('b1'))?.runId).toBe(`w${winner}`);
      });

      it('lets exactly one of several concurrent creators win', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putBusiness(business('fresh', 1, { runId: `w${i}` }), 0)),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
      });

      it('lists businesses', async () => {
        await store.putBusiness(business('b2', 1), 0);
        await store.putBusiness(business('b1', 1, { condition: 'ok' }), 0);
        const all = await store.listBusinesses();
        expect(all.map((b) => [b.businessId, b.condition]).sort()).toEqual([
          ['b1', 'ok'],
          ['b2', 'spam_flagged'],
        ]);
      });
    });

    describe('lease locks', () => {
      const now = new Date(Date.UTC(2026, 0, 1));
      const later = (ms: number) => new Date(now.getTime() + ms);

      it('is acquired when free and refused to a second owner while the lease runs', async () => {
        expect(await store.acquireLock('schedule', 'run-a', 60_000, now)).toBe(true);
        expect(await store.acquireLock('schedule', 'run-b', 60_000, later(59_000))).toBe(false);
      });

      it('is re-acquired (renewed) by its owner', async () => {
        expect(await store.acquireLock('schedule', 'run-a', 60_000, now)).toBe(true);
        expect(await store.acquireLock('schedule', 'run-a', 60_000, later(50_000))).toBe(true);
        // renewed: still held at 100 s, past the first lease
        expect(await store.acquireLock('schedule', 'run-b', 60_000, later(100_000))).toBe(false);
      });

      it('is taken over once the lease expired', async () => {
        expect(await store.acquireLock('schedule', 'run-a', 60_000, now)).toBe(true);
        expect(await store.acquireLock('schedule', 'run-b', 60_000, later(60_001))).toBe(true);
        expect(await store.acquireLock('schedule', 'run-a', 60_000, later(60_002))).toBe(false);
      });

      it('is free after release by its owner; a release by another owner does nothing', async () => {
        expect(await store.acquireLock('schedule', 'run-a', 60_000, now)).toBe(true);
        await store.releaseLock('schedule', 'run-b');
        expect(await store.acquireLock('schedule', 'run-b', 60_000, now)).toBe(false);
        await store.releaseLock('schedule', 'run-a');
        expect(await store.acquireLock('schedule', 'run-b', 60_000, now)).toBe(true);
      });

      it('keeps locks of different names apart', async () => {
        expect(await store.acquireLock('schedule', 'run-a', 60_000, now)).toBe(true);
        expect(await store.acquireLock('other', 'run-b', 60_000, now)).toBe(true);
      });

      it('admits exactly one of several concurrent acquirers', async () => {
        const got = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.acquireLock('schedule', `run-${i}`, 60_000, now)),
        );
        expect(got.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
