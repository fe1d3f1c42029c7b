// FORMAT.md §6: which docs run (status, deletes, filters) and which are skipped for the deadline.
import { describe, expect, it } from 'vitest';
import { doc, run, useApi } from '../support/run-harness.js';

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

describe('deadline', () => {
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
});
