// FORMAT.md §6 and the run contract: which docs run, deletes, filters, deadline, streaming of results.
import { describe, expect, it, vi } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { MAX_UNSTORED } from '../../lambda/engine/run/run-docs.js';
import { doc, run, tempDir, useApi } from './run-harness.js';

const api = useApi();

const front = (status: string, more = '') => `endpoint: "GET /x"\ndomain: clients\nstatus: ${status}${more}`;
const getStep = (path: string) => `  - id: s\n    method: GET\n    path: "${path}"`;

describe('status policy', () => {
  const docs = {
    'clients/active.md': doc({ front: front('verified'), test: getStep('/active') }),
    'clients/pending.md': doc({ front: front('pending'), test: getStep('/pending') }),
    'clients/failed.md': doc({ front: front('failed'), test: getStep('/failed') }),
    'clients/skipped.md': doc({
      front: front('skip', '\nskipReason: "needs a live card"'),
      test: getStep('/skipped'),
    }),
    'clients/retired.md': doc({ front: front('deprecated'), test: getStep('/retired') }),
  };

  it('runs active docs; pending/failed skip with a hint; skipped/retired skip with their reason', async () => {
    const out = await run(api, { docs });
    const by = Object.fromEntries(Object.values(out.docs).map((d) => [d.doc, [d.outcome, d.reason]]));
    expect(by).toEqual({
      'clients/active.md': ['pass', undefined],
      'clients/pending.md': ['skip', 'status pending (use --include pending)'],
      'clients/failed.md': ['skip', 'status failed (use --include failed)'],
      'clients/skipped.md': ['skip', 'status skipped: needs a live card'],
      'clients/retired.md': ['skip', 'status deprecated'],
    });
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/active']);
    expect(out.result.summary).toMatchObject({ total: 5, pass: 1, skip: 4 });
  });

  it('runs pending and failed docs when included', async () => {
    const out = await run(api, { docs, options: { filters: { include: ['pending', 'failed'] } } });
    expect(out.result.summary).toMatchObject({ total: 5, pass: 3, skip: 2 });
    expect(api.received.map((r) => r.path).sort()).toEqual([
      '/apigw/active',
      '/apigw/failed',
      '/apigw/pending',
    ]);
  });
});

describe('deletes', () => {
  const d = {
    'clients/del.md': doc({
      pre: getStep('/before'),
      test: '  - id: remove\n    method: DELETE\n    path: "/things/1"',
    }),
  };

  it('skips a doc with a DELETE step as a whole, reason "deletes disabled", sending nothing', async () => {
    const out = await run(api, { docs: d });
    expect(out.docs['clients/del.md']).toMatchObject({ outcome: 'skip', reason: 'deletes disabled' });
    expect(api.received).toHaveLength(0);
  });

  it('runs it when deletes are allowed', async () => {
    const out = await run(api, { docs: d, options: { allowDelete: true } });
    expect(out.docs['clients/del.md']?.outcome).toBe('pass');
    expect(api.received.map((r) => r.method)).toEqual(['GET', 'DELETE']);
  });
});

describe('filters', () => {
  const docs = {
    'clients/a.md': doc({
      front: 'endpoint: "GET /a"\ndomain: clients\nstatus: verified\ntags: [x]',
      test: getStep('/a'),
    }),
    'sales/b.md': doc({
      front: 'endpoint: "GET /b"\ndomain: sales\nstatus: verified\ntags: [y]',
      test: getStep('/b'),
    }),
    'sales/c.md': doc({
      front: 'endpoint: "GET /c"\ndomain: sales\nstatus: verified\ntags: [x]',
      test: getStep('/c'),
    }),
  };
  it.each([
    [{ domains: ['sales'] }, ['sales/b.md', 'sales/c.md']],
    [{ tags: ['x'] }, ['clients/a.md', 'sales/c.md']],
    [{ docs: ['sales/c*'] }, ['sales/c.md']],
    [{ domains: ['sales'], tags: ['x'] }, ['sales/c.md']],
  ])('selects by %o', async (filters, expected) => {
    const out = await run(api, { docs, options: { filters } });
    expect(Object.keys(out.docs).sort()).toEqual(expected);
    expect(out.result.summary.total).toBe(expected.length);
    expect(api.received).toHaveLength(expected.length);
  });
});

describe('deadline and streaming', () => {
  it('records docs not started before the deadline as skip "deadline", sending nothing for them', async () => {
    const docs = Object.fromEntries(
      ['a', 'b', 'c'].map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]),
    );
    const out = await run(api, { docs, options: { deadline: new Date(Date.now() - 1) } });
    expect(Object.values(out.docs).map((d) => [d.outcome, d.reason])).toEqual([
      ['skip', 'deadline'],
      ['skip', 'deadline'],
      ['skip', 'deadline'],
    ]);
    expect(api.received).toHaveLength(0);
  });

  it('stops starting docs once shouldStop says so; done docs keep their result', async () => {
    const docs = Object.fromEntries(
      ['a', 'b', 'c', 'd'].map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]),
    );
    let started = 0;
    const out = await run(api, {
      docs,
      options: { concurrency: 1 },
      shouldStop: () => started++ >= 2,
    });
    // (results are reported as they are stored, which need not be the order the docs ended in)
    expect(Object.fromEntries(Object.entries(out.docs).map(([id, d]) => [id, d.outcome]))).toEqual({
      'clients/a.md': 'pass',
      'clients/b.md': 'pass',
      'clients/c.md': 'skip',
      'clients/d.md': 'skip',
    });
    expect(out.docs['clients/d.md']?.reason).toBe('deadline');
  });

  it('records every doc in the store as it completes and emits one doc-finished per doc', async () => {
    const docs = Object.fromEntries(
      ['a', 'b', 'c'].map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]),
    );
    const out = await run(api, { docs });
    const types = out.events.map((e) => e.type);
    expect(types[0]).toBe('run-started');
    expect(types.at(-1)).toBe('run-finished');
    expect(types.filter((t) => t === 'doc-finished')).toHaveLength(3);
    const stored = await out.store.getRunResults('run-1');
    expect(stored.map((r) => r.doc).sort()).toEqual(Object.keys(docs).sort());
    expect((await out.store.getRun('run-1'))?.status).toBe('finished');
    expect((await out.store.getDocState('clients/a.md'))?.outcome).toBe('pass');
  });

  it('frees the concurrency slot while a result is stored; no doc starts while MAX_UNSTORED results wait', async () => {
    const ids = Array.from(
      { length: MAX_UNSTORED + 6 },
      (_, i) => `clients/d${String(i).padStart(2, '0')}.md`,
    );
    const docs = Object.fromEntries(ids.map((id) => [id, doc({ test: getStep(`/${id.slice(8, 11)}`) })]));
    const inner = createLocalStateStore({ dir: await tempDir() });
    // The store holds every result until the test lets it go.
    const gates: (() => void)[] = [];
    const store: StateStore = {
      ...inner,
      recordDocResult: async (runId, result) => {
        await new Promise<void>((r) => gates.push(r));
        return inner.recordDocResult(runId, result);
      },
    };
    const done = run(api, { docs, store, options: { concurrency: 2 } });
    // Results wait for the store, yet the slots go on; once MAX_UNSTORED results wait, no doc starts;
    // the one still running (the other slot) finishes and waits too.
    await vi.waitFor(() => expect(gates).toHaveLength(MAX_UNSTORED + 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(gates).toHaveLength(MAX_UNSTORED + 1);
    expect(api.received).toHaveLength(MAX_UNSTORED + 1);
    const release = async () => {
      while (gates.length > 0) gates.shift()?.();
      await new Promise((r) => setTimeout(r, 20));
    };
    let out: Awaited<typeof done> | undefined;
    void done.then((o) => {
      out = o;
    });
    await vi.waitFor(async () => {
      await release();
      expect(out).toBeDefined();
    });
    expect(api.received).toHaveLength(ids.length);
    expect(Object.values(out?.docs ?? {}).map((d) => d.outcome)).toEqual(Array(ids.length).fill('pass'));
    expect((await inner.getRunResults('run-1')).length).toBe(ids.length);
  });

  it('makes a doc invalid when a step sleeps longer than the run allows', async () => {
    const test = `${getStep('/a')}\n    sleep: 5000`;
    const out = await run(api, { docs: { 'clients/z.md': doc({ test }) }, options: { maxSleepMs: 1000 } });
    expect(out.docs['clients/z.md']?.outcome).toBe('invalid');
    expect(out.docs['clients/z.md']?.reason).toMatch(
      /^clients\/z\.md:\d+: step "s": sleep 5000 ms is longer than this run's 1000 ms limit/,
    );
    expect(api.received).toHaveLength(0);
  });

  it('reports an unparseable doc as invalid with its path and line', async () => {
    const out = await run(api, { docs: { 'clients/broken.md': '---\nendpoint: [\n---\n# x\n' } });
    expect(out.docs['clients/broken.md']?.outcome).toBe('invalid');
    expect(out.docs['clients/broken.md']?.reason).toMatch(/^clients\/broken\.md:\d+: /);
  });
});
