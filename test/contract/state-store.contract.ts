// The StateStore contract: every implementation (local files, DynamoDB) runs these same tests.
// Usage: describeStateStoreContract('local', async () => ({ store, cleanup }))
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusinessState, DocResult, Outcome } from '../../lambda/engine/model.js';
import { emptySummary } from '../../lambda/engine/model.js';
import type { StateStore } from '../../lambda/engine/ports.js';

/** A store, and `reopen`: a fresh instance on the same storage (another process, another Lambda). */
export type MakeStateStore = () => Promise<{
  store: StateStore;
  reopen: () => StateStore;
  cleanup?: () => Promise<void>;
}>;

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
    let reopen: () => StateStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, reopen, cleanup } = await makeStore());
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

      it('lists the next page of runs, older than the last one listed, with none missed or repeated', async () => {
        await store.startRun({ runId: 'r-1', startedAt: T(1), status: 'running' });
        await store.startRun({ runId: 'r-2a', startedAt: T(2), status: 'running' });
        await store.startRun({ runId: 'r-2b', startedAt: T(2), status: 'running' });
        await store.startRun({ runId: 'r-3', startedAt: T(3), status: 'running' });
        const first = await store.listRuns(2);
        expect(first.map((r) => r.runId)).toEqual(['r-3', 'r-2b']);
        const second = await store.listRuns(2, first[1]);
        expect(second.map((r) => r.runId)).toEqual(['r-2a', 'r-1']);
        expect(await store.listRuns(2, second[1])).toEqual([]);
      });

      it("pages a run's results in completion order, none missed or repeated, with an opaque cursor", async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        await store.startRun({ runId: 'r2', startedAt: T(1), status: 'running' });
        const docs = Array.from({ length: 7 }, (_, i) => `a/doc-${i}.md`);
        for (const d of docs) await store.recordDocResult('r1', docResult(d, 'pass', T(0)));
        await store.recordDocResult('r2', docResult('a/other.md', 'pass', T(1)));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listRunResults('r1', 3, cursor);
          expect(page.results.length).toBeLessThanOrEqual(3);
          seen.push(...page.results.map((r) => r.doc));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(seen).toEqual(docs);
        expect(pages).toBeGreaterThanOrEqual(3);
        expect(await store.listRunResults('nope', 3)).toEqual({ results: [] });
        await expect(store.listRunResults('r1', 3, 'not-a-cursor')).rejects.toThrow(/cursor/);
      });
    });

    describe('removed docs', () => {
      it('marks the docs a full run no longer found removed, lists them only when asked, and a result brings a doc back', async () => {
        await store.recordDocResult('r1', docResult('a/kept.md', 'pass', T(0)));
        await store.recordDocResult('r1', docResult('a/gone.md', 'fail', T(0)));
        await store.recordDocResult('r1', docResult('b/renamed.md', 'pass', T(0)));
        expect(await store.markRemovedDocs(['a/kept.md', 'b/new-name.md'], 'r2', T(5))).toEqual([
          'a/gone.md',
          'b/renamed.md',
        ]);
        // Marked once: a second reckoning marks nothing more.
        expect(await store.markRemovedDocs(['a/kept.md'], 'r3', T(6))).toEqual([]);
        expect((await store.listDocStates()).map((s) => s.doc)).toEqual(['a/kept.md']);
        expect((await store.listDocStates({ domain: 'b' })).map((s) => s.doc)).toEqual([]);
        const all = await store.listDocStates({ includeRemoved: true });
        expect(all.map((s) => [s.doc, s.removed])).toEqual([
          ['a/gone.md', { runId: 'r2', at: T(5) }],
          ['a/kept.md', undefined],
          ['b/renamed.md', { runId: 'r2', at: T(5) }],
        ]);
        expect((await reopen().getDocState('a/gone.md'))?.removed).toEqual({ runId: 'r2', at: T(5) });
        // The doc is back: its next result clears the mark.
        await store.recordDocResult('r4', docResult('a/gone.md', 'pass', T(7)));
        expect((await store.getDocState('a/gone.md'))?.removed).toBeUndefined();
        expect((await store.listDocStates()).map((s) => s.doc)).toEqual(['a/gone.md', 'a/kept.md']);
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

      it('counts fail, error and blocked in a row, keeps the count through a skip, and resets on any other outcome', async () => {
        const doc = 'a/d.md';
        const seq: [Outcome, number][] = [
          ['fail', 1],
          ['error', 2],
          ['blocked', 3],
          ['fail', 4],
          ['pass', 0],
          ['error', 1],
          ['skip', 1], // a skip observed nothing: the streak is kept
          ['fail', 2],
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

    describe("skips keep a doc's health", () => {
      it("keeps a failing doc's outcome, since, streak and reason through a skip, and records the skip", async () => {
        const doc = 'crm/flaky.md';
        await store.recordDocResult('r1', docResult(doc, 'fail', T(0), { reason: 'expected 200, got 500' }));
        await store.recordDocResult('r2', docResult(doc, 'error', T(1), { reason: 'timeout' }));
        const skipped = await store.recordDocResult(
          'r3',
          docResult(doc, 'skip', T(2), { reason: 'deadline', steps: [], status: 'active' }),
        );
        const expected = {
          doc,
          domain: 'crm',
          endpoint: 'GET /platform/v1/clients',
          status: 'active',
          outcome: 'error',
          since: T(1),
          consecutiveFailures: 2,
          lastRunId: 'r2',
          lastRunAt: T(1),
          reason: 'timeout',
          lastSkip: { runId: 'r3', at: T(2), reason: 'deadline' },
        };
        expect(skipped).toEqual(expected);
        expect(await reopen().getDocState(doc)).toEqual(expected);
        expect((await store.listDocStates({ outcome: 'error' })).map((s) => s.doc)).toEqual([doc]);
        expect(await store.listDocStates({ outcome: 'skip' })).toEqual([]);
        // the next observation builds on the kept streak and clears the skip
        const next = await store.recordDocResult('r4', docResult(doc, 'error', T(3)));
        expect(next).toMatchObject({
          outcome: 'error',
          since: T(1),
          consecutiveFailures: 3,
          lastRunId: 'r4',
        });
        expect(next.lastSkip).toBeUndefined();
      });

      it("keeps a passing doc's since through skips; a doc never observed is in state skip", async () => {
        await store.recordDocResult('r1', docResult('a/ok.md', 'pass', T(0)));
        await store.recordDocResult(
          'r2',
          docResult('a/ok.md', 'skip', T(1), { reason: 'deadline', steps: [] }),
        );
        await store.recordDocResult(
          'r3',
          docResult('a/ok.md', 'skip', T(2), { reason: 'deadline', steps: [] }),
        );
        expect(await store.getDocState('a/ok.md')).toMatchObject({
          outcome: 'pass',
          since: T(0),
          lastRunId: 'r1',
          lastSkip: { runId: 'r3', at: T(2) },
        });
        const fresh = await store.recordDocResult('r1', docResult('a/new.md', 'skip', T(0), { steps: [] }));
        expect(fresh).toMatchObject({
          outcome: 'skip',
          since: T(0),
          consecutiveFailures: 0,
          lastRunId: 'r1',
        });
      });
    });

    describe('durability: what is acknowledged is stored', () => {
      it('a fresh store instance reads back every acknowledged result and state', async () => {
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        const docs = Array.from({ length: 30 }, (_, i) => `d/doc-${String(i).padStart(2, '0')}.md`);
        const acknowledged: string[] = [];
        const reads: Promise<void>[] = [];
        await Promise.all(
          docs.map(async (doc, i) => {
            const state = await store.recordDocResult('r1', docResult(doc, i % 4 ? 'pass' : 'fail', T(0)));
            acknowledged.push(doc);
            // read at once, by another instance, while the other calls are still in flight
            const other = reopen();
            reads.push(
              (async () => {
                expect(await other.getDocState(doc)).toEqual(state);
                expect((await other.getRunResults('r1')).map((r) => r.doc)).toContain(doc);
              })(),
            );
          }),
        );
        await Promise.all(reads);
        const other = reopen();
        expect((await other.getRunResults('r1')).map((r) => r.doc).sort()).toEqual(docs);
        expect((await other.listDocStates({ domain: 'd' })).map((s) => s.doc)).toEqual(docs);
        const history = await other.listDocHistory(5, docs);
        expect(docs.filter((d) => history.get(d)?.length !== 1)).toEqual([]);
        expect(acknowledged.sort()).toEqual(docs);
      });

      it('flush resolves with nothing pending, and after writes', async () => {
        await store.flush();
        await store.startRun({ runId: 'r1', startedAt: T(0), status: 'running' });
        void store.recordDocResult('r1', docResult('a/x.md', 'pass', T(0)));
        await store.flush();
        expect(await reopen().getDocState('a/x.md')).toMatchObject({ outcome: 'pass' });
      });
    });

    describe('history and uptime', () => {
      it("lists each doc's latest results, newest first, up to the limit, for the docs asked", async () => {
        const outcomes: Outcome[] = ['pass', 'fail', 'error', 'pass', 'skip'];
        for (const [i, outcome] of outcomes.entries()) {
          await store.recordDocResult(
            `r${i}`,
            docResult('h/one.md', outcome, T(i), outcome === 'skip' ? { steps: [], reason: 'deadline' } : {}),
          );
          await store.recordDocResult(`r${i}`, docResult('h/two.md', 'pass', T(i)));
        }
        await store.recordDocResult(
          'r9',
          docResult('h/three.md', 'fail', T(9), { reason: 'x'.repeat(2000) }),
        );
        const all = await store.listDocHistory(3);
        expect([...all.keys()].sort()).toEqual(['h/one.md', 'h/three.md', 'h/two.md']);
        expect(all.get('h/one.md')).toEqual([
          { runId: 'r4', at: T(4), outcome: 'skip', durationMs: 12, reason: 'deadline' },
          { runId: 'r3', at: T(3), outcome: 'pass', durationMs: 12 },
          {
            runId: 'r2',
            at: T(2),
            outcome: 'error',
            durationMs: 12,
            failingStep: 'get_client',
            reason: 'step get_client: error',
          },
        ]);
        expect(all.get('h/three.md')?.[0]?.reason).toBe('x'.repeat(500));
        const some = await reopen().listDocHistory(10, ['h/two.md', 'h/none.md']);
        expect([...some.keys()]).toEqual(['h/two.md']);
        expect(some.get('h/two.md')?.map((e) => e.runId)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
      });

      it('counts runs, passes and pass/fail/error results per doc and UTC day', async () => {
        const day = (d: number, hour: number) => new Date(Date.UTC(2026, 0, d, hour)).toISOString();
        const record = (doc: string, outcome: Outcome, at: string) =>
          store.recordDocResult(
            `run-${at}`,
            docResult(doc, outcome, at, outcome === 'skip' ? { steps: [] } : {}),
          );
        await record('u/a.md', 'pass', day(1, 23));
        await record('u/a.md', 'pass', day(2, 0));
        await record('u/a.md', 'fail', day(2, 6));
        await record('u/a.md', 'error', day(2, 12));
        await record('u/a.md', 'blocked', day(2, 13));
        await record('u/a.md', 'skip', day(2, 18));
        await record('u/b.md', 'pass', day(2, 1));
        await record('u/b.md', 'invalid', day(3, 1));
        const rows = async (s: StateStore, since: string, docs?: string[]) =>
          [...(await s.listDocUptime(since, docs))].sort((x, y) =>
            `${x.doc}${x.day}` < `${y.doc}${y.day}` ? -1 : 1,
          );
        expect(await rows(store, '2026-01-02')).toEqual([
          { doc: 'u/a.md', day: '2026-01-02', runs: 5, passed: 1, counted: 3 },
          { doc: 'u/b.md', day: '2026-01-02', runs: 1, passed: 1, counted: 1 },
          { doc: 'u/b.md', day: '2026-01-03', runs: 1, passed: 0, counted: 0 },
        ]);
        expect(await rows(reopen(), '2026-01-01', ['u/a.md'])).toEqual([
          { doc: 'u/a.md', day: '2026-01-01', runs: 1, passed: 1, counted: 1 },
          { doc: 'u/a.md', day: '2026-01-02', runs: 5, passed: 1, counted: 3 },
        ]);
        expect(await store.listDocUptime('2026-01-04')).toEqual([]);
      });
    });

    describe('health records', () => {
      const at = T(0);
      it('creates with expected version 0, then writes on the current version only', async () => {
        expect(await store.getHealth('incident', 'crm/a.md')).toBeUndefined();
        expect(await store.putHealth('incident', 'crm/a.md', { state: 'open' }, 0, at)).toBe(true);
        expect(await store.getHealth('incident', 'crm/a.md')).toEqual({
          kind: 'incident',
          key: 'crm/a.md',
          version: 1,
          data: { state: 'open' },
          updatedAt: at,
        });
        expect(await store.putHealth('incident', 'crm/a.md', { state: 'other' }, 0, at)).toBe(false);
        expect(await store.putHealth('incident', 'crm/a.md', { state: 'closed' }, 1, T(1))).toBe(true);
        expect(await store.putHealth('incident', 'crm/a.md', { state: 'stale' }, 1, T(2))).toBe(false);
        expect(await store.putHealth('incident', 'crm/none.md', { state: 'x' }, 3, T(2))).toBe(false);
        expect(await reopen().getHealth('incident', 'crm/a.md')).toMatchObject({
          version: 2,
          data: { state: 'closed' },
          updatedAt: T(1),
        });
        expect(await store.getHealth('incident', 'crm/none.md')).toBeUndefined();
      });

      it('keeps kinds apart and lists a kind by key', async () => {
        await store.putHealth('condition', 'spam_flagged#biz-2', { n: 2 }, 0, at);
        await store.putHealth('condition', 'spam_flagged#biz-1', { n: 1 }, 0, at);
        await store.putHealth('mute', 'spam_flagged#biz-1', { until: at }, 0, at);
        expect((await store.listHealth('condition')).map((r) => [r.key, r.data])).toEqual([
          ['spam_flagged#biz-1', { n: 1 }],
          ['spam_flagged#biz-2', { n: 2 }],
        ]);
        expect((await store.listHealth('mute')).map((r) => r.key)).toEqual(['spam_flagged#biz-1']);
        expect(await store.listHealth('incident')).toEqual([]);
      });

      it('deletes on the current version only', async () => {
        await store.putHealth('mute', 'm1', { until: at }, 0, at);
        expect(await store.deleteHealth('mute', 'm1', 2)).toBe(false);
        expect(await store.deleteHealth('mute', 'm1', 1)).toBe(true);
        expect(await store.getHealth('mute', 'm1')).toBeUndefined();
        expect(await store.deleteHealth('mute', 'm1', 1)).toBe(false);
        expect(await store.putHealth('mute', 'm1', { until: T(5) }, 0, T(5))).toBe(true);
        expect((await store.listHealth('mute')).map((r) => r.version)).toEqual([1]);
      });

      it('lets exactly one of several concurrent writers win', async () => {
        await store.putHealth('incident', 'crm/a.md', { w: 'first' }, 0, at);
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putHealth('incident', 'crm/a.md', { w: i }, 1, at)),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        expect((await store.getHealth('incident', 'crm/a.md'))?.data).toEqual({ w: outcomes.indexOf(true) });
        const created = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putHealth('mute', 'new', { w: i }, 0, at)),
        );
        expect(created.filter(Boolean)).toHaveLength(1);
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
