// Incidents, target conditions, mutes and flapping docs as a person reads them. Their data is owned by
// the health engine (lambda/engine/health/records.ts) and parsed here with its schemas: a record that
// does not match is a fault (HealthRecordError), as it is for the engine.

import { describeScope, isActive } from '../engine/health/mutes.js';
import {
  type ConditionData,
  conditionSchema,
  type IncidentData,
  incidentSchema,
  isTargetConditionKey,
  type MuteData,
  muteSchema,
  parseRecord,
} from '../engine/health/records.js';
import { type AuthRecord, authRecordSchema, isAuthConditionKey } from '../engine/promises/auth-alerts.js';
import type { HealthItemView } from './model.js';
import { formatTime } from './stats.js';
import type { HealthRecord } from './status-source.js';

function incidentItem(x: IncidentData): HealthItemView {
  const f = x.lastFailure;
  const details = [
    `failing since ${formatTime(x.failingSince)}, ${x.consecutiveFailures} failing run${x.consecutiveFailures === 1 ? '' : 's'} in a row`,
  ];
  if (f?.stepId) {
    const expected = f.expected.length ? `expected ${f.expected.join(' or ')}, ` : '';
    details.push(
      `step "${f.stepId}": ${f.method ?? ''} ${f.url ?? ''} ${expected}got ${f.actual ?? 'no response'}`.replace(
        /\s+/g,
        ' ',
      ),
    );
  }
  if (f?.reason) details.push(`reason: ${f.reason}`);
  if (x.flapping) details.push('flapping: open/close alerts held back');
  return {
    kind: 'incident',
    key: x.doc,
    title: `${x.doc}${x.endpoint ? ` (${x.endpoint})` : ''}`,
    details,
    ...(x.failingSince ? { since: x.failingSince } : {}),
    failures: x.consecutiveFailures,
  };
}

function conditionItem(x: ConditionData): HealthItemView {
  const details = [`since ${formatTime(x.since)} (rule ${x.rule}, run ${x.runId})`];
  const e = x.evidence;
  if (e) {
    const kinds = Object.entries(e.byKind)
      .map(([k, n]) => `${n} × ${k}`)
      .join(', ');
    details.push(`${e.matched} of ${e.considered} requests matched${kinds ? `: ${kinds}` : ''}`);
  }
  if (x.domains.length) details.push(`domains: ${x.domains.join(', ')}`);
  if (x.remedy) details.push(`remedy: ${x.remedy}`);
  const subject = x.condition === 'credential.rejected' ? `token type ${x.subject}` : x.subject;
  return {
    kind: 'condition',
    key: `${x.condition}#${x.subject}`,
    title: `${x.condition}: ${subject}`,
    details,
    since: x.since,
  };
}

function muteItem(x: MuteData): HealthItemView {
  return {
    kind: 'mute',
    key: x.id,
    title: describeScope(x.scope),
    details: [`until ${formatTime(x.until)}`, ...(x.reason ? [`reason: ${x.reason}`] : [])],
    until: x.until,
    ...(x.reason ? { reason: x.reason } : {}),
  };
}

function flappingItem(x: IncidentData): HealthItemView {
  return {
    kind: 'flapping',
    key: x.doc,
    title: `${x.doc}${x.endpoint ? ` (${x.endpoint})` : ''}`,
    details: [
      `${x.closes.length} incident${x.closes.length === 1 ? '' : 's'} closed within 24 h; last change ${formatTime(x.lastTransitionAt)}`,
    ],
  };
}

function securityItem(key: string, x: AuthRecord): HealthItemView {
  const got = x.status !== undefined ? `got ${x.status}` : 'got a response';
  const said = x.expectedStatus !== undefined ? `refused (${x.expectedStatus})` : 'refused';
  return {
    kind: 'security',
    key,
    doc: x.doc,
    tokenType: x.tokenType,
    title: `${x.tokenType} token accepted on ${x.doc}`,
    details: [
      `step "${x.step}" re-sent with the ${x.tokenType} token: ${got}; the doc says ${said}`,
      `accepted since ${formatTime(x.since)} (run ${x.runId})`,
    ],
    since: x.since,
  };
}

export interface HealthLists {
  readonly incidents: readonly HealthRecord[];
  readonly conditions: readonly HealthRecord[];
  readonly mutes: readonly HealthRecord[];
}

/**
 * Active security findings (auth.accepted), open incidents, active conditions, mutes in force at `now`,
 * and flapping docs, each sorted by key.
 */
export function healthItems(lists: HealthLists, now: Date) {
  const security = lists.conditions
    .filter((r) => isAuthConditionKey(r.key))
    .map((r) => ({ key: r.key, data: parseRecord(authRecordSchema, r) }))
    .filter((x) => x.data.state === 'accepted')
    .map((x) => securityItem(x.key, x.data));
  const incidents = lists.incidents.map((r) => parseRecord(incidentSchema, r));
  const conditions = lists.conditions
    .filter((r) => isTargetConditionKey(r.key))
    .map((r) => parseRecord(conditionSchema, r));
  const mutes = lists.mutes.map((r) => parseRecord(muteSchema, r));
  const at = now.toISOString();
  const byKey = (a: HealthItemView, b: HealthItemView) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return {
    security: security.sort(byKey),
    incidents: incidents
      .filter((x) => x.state === 'open')
      .map(incidentItem)
      .sort(byKey),
    conditions: conditions
      .filter((x) => x.state === 'active')
      .map(conditionItem)
      .sort(byKey),
    mutes: mutes
      .filter((m) => isActive(m, at))
      .map(muteItem)
      .sort(byKey),
    flapping: incidents
      .filter((x) => x.flapping)
      .map(flappingItem)
      .sort(byKey),
  };
}
