// decideHealth: one run's results + the stored health records → the conditional writes to make and
// the alerts they carry. Target conditions are classified first, from the whole run; per-doc
// incidents then skip the docs a condition explains (one root cause, one alert). Pure.
import type { DocResult } from '../model.js';
import { alertsFor, conditionAlertKey, incidentKey, type Transition } from './alerts.js';
import { counts, failingStep, type IncidentPolicy, stepIncident } from './incidents.js';
import { allMuted, mutedAt } from './mutes.js';
import {
  type ConditionData,
  conditionKey,
  conditionSchema,
  type HealthKind,
  type HealthRecord,
  type IncidentData,
  incidentSchema,
  muteSchema,
  parseRecord,
} from './records.js';
import {
  type Classification,
  classifyRun,
  isRateLimited,
  sentRequests,
  type TargetRule,
} from './target-rules.js';
import type { ConditionAlert, HealthAlert, HealthSeverity } from './types.js';

export interface HealthOptions extends IncidentPolicy {
  /** The name target conditions are keyed on (`target.down#<target>`). */
  readonly target: string;
  /** The run's request cap (requests per second; 0 = none), quoted by `target.rate_limited`. */
  readonly rateCapRps?: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = {
  failAfter: 2,
  recoverAfter: 1,
  flapCycles: 3,
  flapWindowMs: 24 * 60 * 60 * 1000,
  target: 'target',
};

export interface PreviousHealth {
  readonly incidents: readonly HealthRecord[];
  readonly conditions: readonly HealthRecord[];
  readonly mutes: readonly HealthRecord[];
}

export interface DecideHealthInput {
  readonly runId: string;
  readonly at: string;
  readonly results: readonly DocResult[];
  readonly previous: PreviousHealth;
  readonly rules: readonly TargetRule[];
  readonly options?: Partial<HealthOptions>;
  /** A run limited by --doc/--domain/--tag or API filters: it may start conditions, never clear them. */
  readonly filteredRun: boolean;
  /** Doc id → its Known Issues prose (redacted), for remedies. */
  readonly knownIssues?: Readonly<Record<string, string>>;
}

export interface HealthWrite {
  readonly kind: HealthKind;
  readonly key: string;
  readonly data: unknown;
  /** 0 = must not exist. */
  readonly expectedVersion: number;
  /** The alert-worthy transition this write makes, if any: alerted only when the write wins. */
  readonly transition?: Transition;
}

export interface HealthDecision {
  readonly writes: readonly HealthWrite[];
  /** The alerts if every write wins (settleHealth rebuilds them from the writes that did). */
  readonly alerts: readonly HealthAlert[];
}

const SEVERITY: Record<ConditionAlert['type'], HealthSeverity> = {
  'target.down': 'critical',
  'credential.rejected': 'critical',
  'target.rate_limited': 'warning',
  'target.recovered': 'info',
  'credential.recovered': 'info',
};

export function decideHealth(input: DecideHealthInput): HealthDecision {
  const { runId, at, results, previous, rules, filteredRun } = input;
  const options = { ...DEFAULT_HEALTH_OPTIONS, ...input.options };
  const mutes = previous.mutes.map((r) => parseRecord(muteSchema, r));
  const silenced = allMuted(mutes, at);
  const domainOf = new Map(results.map((r) => [r.doc, r.domain]));

  // 1. Target conditions, from the whole run.
  const classes = classifyRun(rules, sentRequests(results), options.target);
  const prevConditions = new Map(previous.conditions.map((r) => [r.key, r]));
  const writes: HealthWrite[] = [];
  for (const c of classes) {
    const w = conditionWrite(c, prevConditions.get(conditionKey(c.condition, c.subject)));
    if (w) writes.push(w);
  }

  // 2. Per-doc incidents, for the docs no holding condition explains.
  const holding = classes.filter((c) => c.verdict === 'holds');
  const targetDown = holding.some((c) => c.condition === 'target.down');
  const rejected = new Set(
    holding.filter((c) => c.condition === 'credential.rejected').map((c) => c.subject),
  );
  const rateLimited = holding.some((c) => c.condition === 'target.rate_limited');
  const explained = (r: DocResult): boolean => {
    if (targetDown) return true;
    if (r.outcome === 'pass') return false;
    const s = failingStep(r);
    if (!s) return false;
    return (
      (s.status === 401 && s.token !== undefined && rejected.has(s.token)) ||
      (rateLimited && isRateLimited(s))
    );
  };
  const muted = mutedAt(mutes, at);
  const prevIncidents = new Map(previous.incidents.map((r) => [r.key, r]));
  for (const r of results) {
    if (!counts(r) || explained(r)) continue;
    const record = prevIncidents.get(r.doc);
    const prev: IncidentData | undefined = record
      ? withoutAlert(parseRecord(incidentSchema, record))
      : undefined;
    const step = stepIncident(prev, r, {
      at,
      policy: options,
      muted: muted({ doc: r.doc, domain: r.domain, ...(r.tags ? { tags: r.tags } : {}) }),
      ...(input.knownIssues?.[r.doc] ? { knownIssues: input.knownIssues[r.doc] } : {}),
    });
    if (!step.next) continue;
    const version = record?.version ?? 0;
    writes.push({
      kind: 'incident',
      key: r.doc,
      data: step.next,
      expectedVersion: version,
      ...(step.transition
        ? { transition: { ...step.transition, key: incidentKey(r.doc, version + 1) } }
        : {}),
    });
  }
  // Each record keeps the one-doc alert its write made, so the stream-fed alert Lambda publishes exactly it.
  const stored = writes.map((w) => {
    const [alert] = w.transition ? alertsFor(runId, at, [w.transition]) : [];
    return alert ? { ...w, data: { ...(w.data as object), alert } } : w;
  });
  return { writes: stored, alerts: alertsFor(runId, at, transitionsOf(stored)) };

  function conditionWrite(c: Classification, record: HealthRecord | undefined): HealthWrite | undefined {
    const prev: ConditionData | undefined = record
      ? withoutAlert(parseRecord(conditionSchema, record))
      : undefined;
    const active = prev?.state === 'active';
    const key = conditionKey(c.condition, c.subject);
    const version = record?.version ?? 0;
    if (c.verdict === 'holds' && !active) {
      const domains = [...new Set(c.matched.map((m) => domainOf.get(m.doc) ?? ''))].filter(Boolean).sort();
      const evidence =
        c.condition === 'target.rate_limited' && options.rateCapRps !== undefined
          ? { ...c.evidence, rateCapRps: options.rateCapRps }
          : c.evidence;
      const data: ConditionData = {
        condition: c.condition,
        subject: c.subject,
        rule: c.rule.name,
        state: 'active',
        since: at,
        alerted: !silenced,
        runId,
        domains,
        evidence,
        ...(c.rule.remedy ? { remedy: c.rule.remedy } : {}),
      };
      return { kind: 'condition', key, data, expectedVersion: version, ...transition(data, c.condition) };
    }
    // Clearing needs a later run with enough evidence, and the whole doc set behind it.
    if (c.verdict === 'clear' && active && prev && prev.runId !== runId && !filteredRun) {
      const data: ConditionData = { ...prev, state: 'clear', alerted: false, runId };
      const type = c.condition === 'credential.rejected' ? 'credential.recovered' : 'target.recovered';
      return {
        kind: 'condition',
        key,
        data,
        expectedVersion: version,
        ...(prev.alerted ? transition(prev, type) : {}),
      };
    }
    return undefined;

    function transition(d: ConditionData, type: ConditionAlert['type']): { transition?: Transition } {
      if (!d.alerted) return {};
      const starting = type === d.condition;
      const alert: Omit<ConditionAlert, 'idempotencyKey'> = {
        type,
        runId,
        at,
        severity: SEVERITY[type],
        domains: d.domains,
        condition: d.condition,
        rule: d.rule,
        subject: d.subject,
        since: d.since,
        ...(starting && d.evidence ? { evidence: d.evidence } : {}),
        ...(starting && d.remedy ? { remedy: d.remedy } : {}),
      };
      return { transition: { kind: 'condition', key: conditionAlertKey(key, version + 1), alert } };
    }
  }
}

/** A stored record's data without the alert of the write that stored it (that alert is not state). */
function withoutAlert<T extends { alert?: unknown }>(data: T): T {
  const { alert: _alert, ...rest } = data;
  return rest as T;
}

export function transitionsOf(writes: readonly HealthWrite[]): Transition[] {
  return writes.flatMap((w) => (w.transition ? [w.transition] : []));
}
