import { beforeEach, describe, expect, it } from 'vitest';
import { incidentSchema } from '../../lambda/engine/health/records.js';
import type { DocFailingAlert, DocRecoveredAlert } from '../../lambda/engine/health/types.js';
import { hour, play, result } from '../support/health-results.js';
import { createMemoryHealthStore, type MemoryHealthStore } from '../support/memory-health-store.js';

let store: MemoryHealthStore;
beforeEach(() => {
  store = createMemoryHealthStore();
});

const A = 'clients/get_clients.md';

describe('incidents: fail-after and recover-after', () => {
  it('opens after 2 consecutive failing runs, alerts once, and once more when a pass closes it', async () => {
    expect(await play(store, hour(0), [result(A, 'fail')])).toEqual([]);
    const opened = await play(store, hour(1), [result(A, 'fail')]);
    expect(opened).toHaveLength(1);
    const failing = opened[0] as DocFailingAlert;
    expect(failing).toMatchObject({
      type: 'doc.failing',
      severity: 'critical',
      domains: ['clients'],
      idempotencyKey: 'doc-incident#clients/get_clients.md#2',
    });
    expect(failing.docs).toEqual([
      {
        doc: A,
        endpoint: 'GET /clients/get_clients',
        domain: 'clients',
        outcome: 'fail',
        since: hour(0),
        failures: 2,
        step: {
          id: 'get_it',
          method: 'GET',
          url: 'http://127.0.0.1:1/clients/get_clients?token=[REDACTED]',
          expected: [200],
          actual: 500,
        },
        reason: 'step get_it (line 10): expected 200, got 500',
        bodyExcerpt: '{"error":"boom"}',
      },
    ]);
    // Still failing: nothing new, however many runs.
    for (let h = 2; h < 6; h++) expect(await play(store, hour(h), [result(A, 'error')])).toEqual([]);
    const closed = await play(store, hour(6), [result(A, 'pass')]);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      type: 'doc.recovered',
      docs: [{ doc: A, domain: 'clients', since: hour(0), downtimeMs: 6 * 3_600_000 }],
    });
    expect(await play(store, hour(7), [result(A, 'pass')])).toEqual([]);
  });

  it('a pass between two failures resets the count; --fail-after 3 and --recover-after 2 are honoured', async () => {
    const options = { failAfter: 3, recoverAfter: 2 };
    await play(store, hour(0), [result(A, 'fail')], { options });
    await play(store, hour(1), [result(A, 'pass')], { options });
    await play(store, hour(2), [result(A, 'fail')], { options });
    expect(await play(store, hour(3), [result(A, 'fail')], { options })).toEqual([]);
    expect((await play(store, hour(4), [result(A, 'fail')], { options }))[0]?.type).toBe('doc.failing');
    expect(await play(store, hour(5), [result(A, 'pass')], { options })).toEqual([]);
    expect((await play(store, hour(6), [result(A, 'pass')], { options }))[0]?.type).toBe('doc.recovered');
  });

  it('blocked, invalid and skip never open or close, and leave the counts as they were', async () => {
    await play(store, hour(0), [result(A, 'fail')]);
    for (const o of ['blocked', 'invalid', 'skip'] as const) {
      expect(await play(store, hour(1), [result(A, o)])).toEqual([]);
    }
    const stored = incidentSchema.parse(store.records.get(`incident#${A}`)?.data);
    expect(stored.consecutiveFailures).toBe(1);
    expect((await play(store, hour(2), [result(A, 'fail')]))[0]?.type).toBe('doc.failing');
  });

  it('docs that are not active (pending, failed) never open an incident', async () => {
    const pending = result(A, 'fail', { docStatus: 'pending' });
    for (let h = 0; h < 4; h++) expect(await play(store, hour(h), [pending])).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it('a passing doc with no history writes nothing', async () => {
    await play(store, hour(0), [result(A, 'pass'), result('b/x.md', 'pass')]);
    expect(store.records.size).toBe(0);
  });
});

describe('grouping', () => {
  it('10 docs breaking in one run give one doc.failing listing all 10, grouped by domain', async () => {
    const docs = Array.from({ length: 10 }, (_, i) => `${i % 2 ? 'clients' : 'billing'}/doc_${i}.md`);
    await play(
      store,
      hour(0),
      docs.map((d) => result(d, 'fail')),
    );
    const alerts = await play(
      store,
      hour(1),
      docs.map((d) => result(d, 'fail')),
    );
    expect(alerts).toHaveLength(1);
    const a = alerts[0] as DocFailingAlert;
    expect(a.docs).toHaveLength(10);
    expect(a.domains).toEqual(['billing', 'clients']);
    expect(a.docs.map((d) => d.domain)).toEqual([...Array(5).fill('billing'), ...Array(5).fill('clients')]);
    expect(a.idempotencyKey).toMatch(/^doc\.failing#[0-9a-f]{16}$/);
    const back = await play(
      store,
      hour(2),
      docs.map((d) => result(d, 'pass')),
    );
    expect(back).toHaveLength(1);
    expect((back[0] as DocRecoveredAlert).docs).toHaveLength(10);
  });
});

describe('filtered runs', () => {
  it('touch only the docs they ran', async () => {
    const B = 'billing/b.md';
    await play(store, hour(0), [result(A, 'fail'), result(B, 'fail')]);
    const before = store.records.get(`incident#${B}`);
    const alerts = await play(store, hour(1), [result(A, 'fail')], { filteredRun: true });
    expect((alerts[0] as DocFailingAlert).docs.map((d) => d.doc)).toEqual([A]);
    expect(store.records.get(`incident#${B}`)).toEqual(before);
  });
});

describe('concurrent runs', () => {
  it('two runs settling the same transition at once alert it once', async () => {
    await play(store, hour(0), [result(A, 'fail')]);
    const [x, y] = await Promise.all([
      play(store, hour(1), [result(A, 'fail')]),
      play(store, hour(1), [result(A, 'fail')]),
    ]);
    expect([...x, ...y].filter((a) => a.type === 'doc.failing')).toHaveLength(1);
    const [p, q] = await Promise.all([
      play(store, hour(2), [result(A, 'pass')]),
      play(store, hour(2), [result(A, 'pass')]),
    ]);
    expect([...p, ...q].filter((a) => a.type === 'doc.recovered')).toHaveLength(1);
  });
});

describe('flapping', () => {
  it('the third open/close cycle in 24 h sends one doc.flapping, then silence, then back to normal after 24 h quiet', async () => {
    const seen: string[] = [];
    let h = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      for (const o of ['fail', 'fail', 'pass'] as const) {
        for (const a of await play(store, hour(h++), [result(A, o)])) seen.push(a.type);
      }
    }
    expect(seen).toEqual([
      'doc.failing',
      'doc.recovered',
      'doc.failing',
      'doc.recovered',
      'doc.failing',
      'doc.flapping',
    ]);
    // While flapping: opens and closes are silent.
    for (const o of ['fail', 'fail', 'pass', 'fail', 'fail'] as const) {
      expect(await play(store, hour(h++), [result(A, o)])).toEqual([]);
    }
    // 24 h after the last transition it is no longer flapping; still failing: told once.
    const later = await play(store, hour(h + 24), [result(A, 'fail')]);
    expect(later.map((a) => a.type)).toEqual([]);
    // It was already "failing" as far as anyone was told; the next recovery is alerted.
    const back = await play(store, hour(h + 25), [result(A, 'pass')]);
    expect(back.map((a) => a.type)).toEqual(['doc.recovered']);
  });
});
