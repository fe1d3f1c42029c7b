// buildStatusView over an in-memory source that has the history API (listHealth, listDocHistory,
// listDocUptime): what the page shows from it, and what the renderer makes of it.
import { describe, expect, it } from 'vitest';
import type { DocState } from '../../lambda/engine/ports.js';
import { renderStatusPage } from '../../lambda/report-html/render.js';
import type { DocHistoryEntry, HealthRecord, StatusSource } from '../../lambda/report-html/status-source.js';
import { buildStatusView } from '../../lambda/report-html/status-view.js';
import { docResult } from '../contract/state-store.contract.js';

const now = new Date('2026-12-04T12:00:00.000Z');
const h = (
  runId: string,
  at: string,
  outcome: DocHistoryEntry['outcome'],
  durationMs: number,
): DocHistoryEntry => ({
  runId,
  at,
  outcome,
  durationMs,
  ...(outcome === 'pass' ? {} : { failingStep: 'get_client', reason: 'expected 200, got 500' }),
});
const state = (doc: string, outcome: DocState['outcome']): DocState => ({
  doc,
  domain: 'clients',
  outcome,
  since: '2026-12-04T11:00:00.000Z',
  consecutiveFailures: 0,
  lastRunId: 'r3',
  lastRunAt: '2026-12-04T11:00:00.000Z',
});
const health: Record<string, HealthRecord[]> = {
  incident: [
    {
      kind: 'incident',
      key: 'clients/b.md',
      version: 1,
      data: { state: 'open', since: '2026-12-04T10:00:00.000Z', failures: 2 },
      updatedAt: '',
    },
    { kind: 'incident', key: 'clients/old.md', version: 2, data: { state: 'closed' }, updatedAt: '' },
  ],
  condition: [
    {
      kind: 'condition',
      key: 'target',
      version: 1,
      data: { type: 'target.down', evidence: '<script>x</script>' },
      updatedAt: '',
    },
  ],
  mute: [
    {
      kind: 'mute',
      key: 'm1',
      version: 1,
      data: { scope: 'domain clients', until: '2026-12-05T00:00:00.000Z', reason: 'deploy' },
      updatedAt: '',
    },
    {
      kind: 'mute',
      key: 'm0',
      version: 1,
      data: { scope: 'all', until: '2026-12-01T00:00:00.000Z' },
      updatedAt: '',
    },
  ],
};
const source: StatusSource = {
  listRuns: async () => [
    {
      runId: 'r3',
      startedAt: '2026-12-04T11:00:00.000Z',
      finishedAt: '2026-12-04T11:00:02.000Z',
      status: 'finished',
      trigger: 'schedule',
      summary: { total: 2, pass: 1, fail: 1, error: 0, blocked: 0, invalid: 0, skip: 0 },
    },
    { runId: 'r2', startedAt: '2026-12-03T11:00:00.000Z', status: 'finished' },
    { runId: 'r1', startedAt: '2026-11-20T11:00:00.000Z', status: 'finished' },
  ],
  listDocStates: async () => [state('clients/a.md', 'pass'), state('clients/b.md', 'fail')],
  getRunResults: async () => [docResult('clients/b.md', 'fail', '2026-12-04T11:00:00.000Z')],
  listBusinesses: async () => [],
  listHealth: async (kind) => health[kind] ?? [],
  listDocHistory: async () =>
    new Map([
      [
        'clients/a.md',
        [
          h('r3', '2026-12-04T11:00:00.000Z', 'pass', 10),
          h('r2', '2026-12-03T11:00:00.000Z', 'pass', 30),
          h('r1', '2026-11-20T11:00:00.000Z', 'fail', 20),
        ],
      ],
      [
        'clients/b.md',
        [h('r3', '2026-12-04T11:00:00.000Z', 'fail', 100), h('r2', '2026-12-03T11:00:00.000Z', 'pass', 50)],
      ],
    ]),
  listDocUptime: async () => [
    { doc: 'clients/a.md', day: '2026-12-04', runs: 1, passed: 1, counted: 1 },
    { doc: 'clients/a.md', day: '2026-11-20', runs: 4, passed: 1, counted: 4 },
  ],
};

describe('buildStatusView', () => {
  it('shows open incidents, conditions and active mutes only', async () => {
    const view = await buildStatusView(source, { now });
    expect(view.incidents.map((i) => i.key)).toEqual(['clients/b.md']);
    expect(view.incidents[0]?.details).toContain('failures: 2');
    expect(view.conditions.map((c) => c.title)).toEqual(['target: target.down']);
    expect(view.mutes.map((m) => m.key)).toEqual(['m1']);
  });

  it('builds strips in run order, uptime per window, percentiles, and problems first', async () => {
    const view = await buildStatusView(source, { now });
    expect(view.runs.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3']);
    const [b, a] = view.domains[0]?.docs ?? [];
    expect(b?.doc).toBe('clients/b.md');
    expect(b?.history?.map((c) => c.outcome)).toEqual([undefined, 'pass', 'fail']);
    expect(b?.failing?.id).toBe('get_client');
    // a: 24 h from its entries (1 of 1), 7 d and 30 d from the daily rows (1 of 1; 2 of 5).
    expect(a?.uptime).toEqual({ d1: 1, d7: 1, d30: 2 / 5 });
    expect([a?.medianMs, a?.p95Ms]).toEqual([20, 30]);
    expect(b?.timeline?.map((t) => t.outcome)).toEqual(['fail', 'pass']);
  });

  it('renders it escaped: health data cannot inject markup', async () => {
    const html = renderStatusPage(await buildStatusView(source, { now }));
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('class="health incident" data-key="clients/b.md"');
    expect((html.match(/<script/g) ?? []).length).toBe(2);
  });
});
