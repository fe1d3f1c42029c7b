// The status page's view model, built from the state: the last run, health (incidents, conditions,
// mutes, businesses), and per doc its latest outcome, a strip of the last runs, uptime and durations.

import { COUNTED_OUTCOMES, utcDay } from '../engine/doc-state.js';
import type { DocResult, Outcome } from '../engine/model.js';
import type { DocState, RunRecord } from '../engine/ports.js';
import { collectKnownIssues, type KnownIssuesLookup } from './known-issues.js';
import type { DocRowView, HealthItemView, HistoryCell, RunView, StatusView, TimelineEntry } from './model.js';
import { groupByDomain, rowFromResult } from './run-view.js';
import { percentile } from './stats.js';
import { healthItems } from './status-health.js';
import type { DocHistoryEntry, DocUptime, StatusSource } from './status-source.js';

export const HISTORY_RUNS = 90;
const DAY = 86_400_000;

export interface StatusViewOptions {
  readonly now: Date;
  readonly target?: string;
  readonly title?: string;
  readonly knownIssues?: KnownIssuesLookup;
}

export function runView(r: RunRecord): RunView {
  return {
    runId: r.runId,
    startedAt: r.startedAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.trigger ? { trigger: r.trigger } : {}),
    ...(r.finishedAt ? { durationMs: Date.parse(r.finishedAt) - Date.parse(r.startedAt) } : {}),
    ...(r.summary ? { summary: r.summary } : {}),
  };
}

const ratio = (passed: number, counted: number) => (counted > 0 ? passed / counted : undefined);

/**
 * Pass ratios over 24 h, 7 and 30 days. 7 d and 30 d come from the store's per-day counters (whole UTC
 * days, so up to one day more); 24 h from the history entries, counted with the same rule.
 */
function uptimeOf(history: readonly DocHistoryEntry[], days: readonly DocUptime[], now: Date) {
  const from = (ms: number) => now.getTime() - ms;
  const d1Entries = history.filter((h) => Date.parse(h.at) >= from(DAY) && COUNTED_OUTCOMES.has(h.outcome));
  const fromDays = (ms: number) => {
    const day = utcDay(new Date(from(ms)).toISOString());
    const rows = days.filter((d) => d.day >= day);
    return ratio(
      rows.reduce((n, d) => n + d.passed, 0),
      rows.reduce((n, d) => n + d.counted, 0),
    );
  };
  const d1 = ratio(d1Entries.filter((h) => h.outcome === 'pass').length, d1Entries.length);
  const d7 = fromDays(7 * DAY);
  const d30 = fromDays(30 * DAY);
  return {
    ...(d1 !== undefined ? { d1 } : {}),
    ...(d7 !== undefined ? { d7 } : {}),
    ...(d30 !== undefined ? { d30 } : {}),
  };
}

/** Outcome changes, newest first (the entry where each outcome began). */
function timelineOf(history: readonly DocHistoryEntry[], limit = 6): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (let i = 0; i < history.length && out.length < limit; i++) {
    const h = history[i] as DocHistoryEntry;
    const older = history[i + 1];
    if (!older || older.outcome !== h.outcome)
      out.push({ at: h.at, runId: h.runId, outcome: h.outcome, ...(h.reason ? { reason: h.reason } : {}) });
  }
  return out;
}

function docRow(
  state: DocState,
  latest: DocResult | undefined,
  history: readonly DocHistoryEntry[],
  days: readonly DocUptime[],
  window: readonly RunView[],
  knownIssues: string | undefined,
  now: Date,
): DocRowView {
  const byRun = new Map(history.map((h) => [h.runId, h]));
  const cells: HistoryCell[] = window.map((run) => {
    const h = byRun.get(run.runId);
    return h ? { outcome: h.outcome, ...(h.failingStep ? { step: h.failingStep } : {}) } : {};
  });
  const durations = history.filter((h) => h.outcome !== 'skip').map((h) => h.durationMs);
  // The latest result explains the outcome when it is the one the state holds.
  const base =
    latest && latest.outcome === state.outcome
      ? rowFromResult(latest, false, knownIssues)
      : {
          doc: state.doc,
          domain: state.domain,
          tags: latest?.tags ?? [],
          outcome: state.outcome,
          ...(knownIssues ? { knownIssues } : {}),
        };
  const reason = state.reason ?? base.reason;
  const median = percentile(durations, 50);
  const p95 = percentile(durations, 95);
  return {
    ...base,
    ...(state.endpoint ? { endpoint: state.endpoint } : {}),
    since: state.since,
    ...(reason ? { reason } : {}),
    history: cells,
    uptime: uptimeOf(history, days, now),
    ...(median !== undefined ? { medianMs: median } : {}),
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    timeline: timelineOf(history),
  };
}

/** A doc's active auth.accepted findings mark its row, whether or not its last run re-sent the tokens. */
function withSecurity(row: DocRowView, security: readonly HealthItemView[] | undefined): DocRowView {
  return security?.length ? { ...row, authAccepted: true, security } : row;
}

/** Reads everything the status page shows; the view is plain data (also served as status.json). */
export async function buildStatusView(source: StatusSource, options: StatusViewOptions): Promise<StatusView> {
  const { now } = options;
  const records = await source.listRuns(HISTORY_RUNS);
  const window = [...records].reverse().map(runView);
  const last = records.find((r) => r.status === 'finished') ?? records[0];
  const [states, businesses, lastResults, incidents, conditions, mutes, history, uptime] = await Promise.all([
    source.listDocStates().then((all) => all.filter((s) => s.removed === undefined)),
    source.listBusinesses(),
    last ? source.getRunResults(last.runId) : Promise.resolve([]),
    source.listHealth('incident'),
    source.listHealth('condition'),
    source.listHealth('mute'),
    source.listDocHistory(HISTORY_RUNS),
    source.listDocUptime(utcDay(new Date(now.getTime() - 30 * DAY).toISOString())),
  ]);
  const uptimeByDoc = new Map<string, DocUptime[]>();
  for (const u of uptime) {
    const list = uptimeByDoc.get(u.doc);
    if (list) list.push(u);
    else uptimeByDoc.set(u.doc, [u]);
  }
  const latestByDoc = new Map(lastResults.map((r) => [r.doc, r]));
  const problems: readonly Outcome[] = ['fail', 'error', 'blocked', 'invalid'];
  const known = await collectKnownIssues(
    options.knownIssues,
    states.filter((s) => problems.includes(s.outcome)).map((s) => s.doc),
  );
  const health = healthItems({ incidents, conditions, mutes }, now);
  const securityByDoc = new Map<string, HealthItemView[]>();
  for (const x of health.security)
    if (x.doc) securityByDoc.set(x.doc, [...(securityByDoc.get(x.doc) ?? []), x]);
  const rows = states.map((s) =>
    withSecurity(
      docRow(
        s,
        latestByDoc.get(s.doc),
        history.get(s.doc) ?? [],
        uptimeByDoc.get(s.doc) ?? [],
        window,
        known.get(s.doc),
        now,
      ),
      securityByDoc.get(s.doc),
    ),
  );
  return {
    kind: 'status',
    title: options.title ?? 'Verifier status',
    ...(options.target ? { target: options.target } : {}),
    generatedAt: now.toISOString(),
    ...(last ? { lastRun: runView(last) } : {}),
    ...health,
    businesses: businesses.map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
      ...(b.remedy ? { remedy: b.remedy } : {}),
    })),
    runs: window,
    domains: groupByDomain(rows),
  };
}

export type { HealthItemView };
