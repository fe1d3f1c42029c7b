// buildStatusView over an in-memory source that has the history API (listHealth, listDocHistory,
// listDocUptime): what the page shows from it, and what the renderer makes of it.
import { describe, expect, it } from 'vitest';
import { buildMute } from '../../lambda/engine/health/mutes.js';
import type { IncidentData } from '../../lambda/engine/health/records.js';
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
const rec = (kind: HealthRecord['kind'], key: string, data: unknown): HealthRecord => ({
  kind,
  key,
  version: 1,
  data,
  updatedAt: '2026-12-04T11:00:00.000Z',
});
const incident = (doc: string, over: Partial<IncidentData>): IncidentData => ({
  doc,
  domain: 'clients',
  tags: [],
  state: 'ok',
  consecutiveFailures: 0,
  consecutivePasses: 0,
  told: 'ok',
  closes: [],
  flapping: false,
  ...over,
});
const health: Record<string, HealthRecord[]> = {
  incident: [
    rec(
      'incident',
      'clients/b.md',
      incident('clients/b.md', {
        endpoint: 'GET /platform/v1/clients/{id}',
        state: 'open',
        consecutiveFailures: 2,
        failingSince: '2026-12-04T10:00:00.000Z',
        told: 'failing',
        lastFailure: {
          stepId: 'get_client',
          method: 'GET',
          url: 'https://api.example/platform/v1/clients/1',
          expected: [200],
          actual: 500,
          reason: 'expected 200, got 500',
          outcome: 'fail',
        },
      }),
    ),
    rec('incident', 'clients/old.md', incident('clients/old.md', { closes: ['2026-12-04T09:00:00.000Z'] })),
    rec(
      'incident',
      'clients/flap.md',
      incident('clients/flap.md', {
        flapping: true,
        closes: ['2026-12-04T08:00:00.000Z', '2026-12-04T09:00:00.000Z', '2026-12-04T10:00:00.000Z'],
        lastTransitionAt: '2026-12-04T10:00:00.000Z',
      }),
    ),
  ],
  condition: [
    rec('condition', 'credential.rejected#staff', {
      condition: 'credential.rejected',
      subject: 'staff',
      rule: 'token-rejected',
      state: 'active',
      since: '2026-12-04T11:00:00.000Z',
      alerted: true,
      runId: 'r3',
      domains: ['clients'],
      evidence: { considered: 5, matched: 5, byKind: { '401': 5 }, examples: [] },
      remedy: '<script>x</script>',
    }),
    rec('condition', 'target.down#api', {
      condition: 'target.down',
      subject: 'api',
      rule: 'target-down',
      state: 'clear',
      since: '2026-12-01T11:00:00.000Z',
      alerted: true,
      runId: 'r1',
    }),
  ],
  mute: [
    rec(
      'mute',
      'm1',
      buildMute({
        id: 'm1',
        scope: { kind: 'domain', domain: 'clients' },
        at: new Date('2026-12-04T11:30:00.000Z'),
        forMs: 2 * 3_600_000,
        reason: 'deploy',
      }),
    ),
    rec(
      'mute',
      'm0',
      buildMute({
        id: 'm0',
        scope: { kind: 'all' },
        at: new Date('2026-12-01T00:00:00.000Z'),
        forMs: 3_600_000,
      }),
    ),
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
  it('shows open incidents, active conditions, mutes in force and flapping docs, read with the health schemas', async () => {
    const view = await buildStatusView(source, { now });
    expect(view.incidents).toEqual([
      expect.objectContaining({
        key: 'clients/b.md',
        title: 'clients/b.md (GET /platform/v1/clients/{id})',
        since: '2026-12-04T10:00:00.000Z',
        failures: 2,
      }),
    ]);
    expect(view.incidents[0]?.details).toContain(
      'step "get_client": GET https://api.example/platform/v1/clients/1 expected 200, got 500',
    );
    expect(view.conditions.map((c) => c.title)).toEqual(['credential.rejected: token type staff']);
    expect(view.conditions[0]?.details).toContain('5 of 5 requests matched: 5 × 401');
    expect(view.mutes).toEqual([
      expect.objectContaining({
        key: 'm1',
        title: 'domain clients',
        until: '2026-12-04T13:30:00.000Z',
        reason: 'deploy',
      }),
    ]);
    expect(view.flapping.map((f) => f.key)).toEqual(['clients/flap.md']);
  });

  it('lists active auth.accepted findings as security items, marks the doc, and leaves refused ones out', async () => {
    const auth = (doc: string, tokenType: string, state: 'accepted' | 'ok') =>
      rec('condition', `auth.accepted#${doc}#${tokenType}`, {
        doc,
        tokenType,
        state,
        since: '2026-12-04T11:00:00.000Z',
        runId: 'r3',
        step: 'get_client',
        status: 200,
        expectedStatus: 401,
      });
    const withAuth: StatusSource = {
      ...source,
      listHealth: async (kind) =>
        kind === 'condition'
          ? [
              ...(health.condition ?? []),
              auth('clients/a.md', 'app', 'accepted'),
              auth('clients/a.md', 'staff', 'ok'),
            ]
          : (health[kind] ?? []),
    };
    const view = await buildStatusView(withAuth, { now });
    expect(view.security).toEqual([
      {
        kind: 'security',
        key: 'auth.accepted#clients/a.md#app',
        doc: 'clients/a.md',
        tokenType: 'app',
        title: 'app token accepted on clients/a.md',
        details: [
          'step "get_client" re-sent with the app token: got 200; the doc says refused (401)',
          'accepted since 2026-12-04 11:00:00Z (run r3)',
        ],
        since: '2026-12-04T11:00:00.000Z',
      },
    ]);
    // The auth records are not target conditions; the doc passing leads its domain, marked.
    expect(view.conditions.map((c) => c.key)).toEqual(['credential.rejected#staff']);
    const [first] = view.domains[0]?.docs ?? [];
    expect([first?.doc, first?.outcome, first?.authAccepted, first?.security?.length]).toEqual([
      'clients/a.md',
      'pass',
      true,
      1,
    ]);
    // A malformed auth record is a fault, as any health record.
    const broken: StatusSource = {
      ...source,
      listHealth: async (kind) =>
        kind === 'condition' ? [rec('condition', 'auth.accepted#x.md#app', { doc: 'x.md' })] : [],
    };
    await expect(buildStatusView(broken, { now })).rejects.toThrow(
      /health record condition "auth\.accepted#x\.md#app" v1 does not match its schema/,
    );
  });

  it('refuses a health record that does not match its schema (a fault, not a guess)', async () => {
    const broken: StatusSource = {
      ...source,
      listHealth: async (kind) =>
        kind === 'incident' ? [rec('incident', 'x.md', { state: 'closed', since: 'yesterday' })] : [],
    };
    await expect(buildStatusView(broken, { now })).rejects.toThrow(
      /health record incident "x\.md" v1 does not match its schema: doc: /,
    );
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
    expect(html).toContain('class="health flapping" data-key="clients/flap.md"');
    expect((html.match(/<script/g) ?? []).length).toBe(2);
  });
});
