// Health alerts from the transitions a run won: one doc.failing, one doc.recovered and one
// doc.flapping per run at most (grouped by domain), one alert per target-condition transition. Pure.
import { createHash } from 'node:crypto';
import type { DocTransition } from './incidents.js';
import type {
  ConditionAlert,
  FailingDoc,
  FlappingDoc,
  HealthAlert,
  HealthSeverity,
  RecoveredDoc,
} from './types.js';

/** A transition and the key it is known by: `doc-incident#<doc>#<version>` or `health-condition#<key>#<version>`. */
export type Transition =
  | (DocTransition & { readonly key: string })
  | {
      readonly kind: 'condition';
      readonly key: string;
      readonly alert: Omit<ConditionAlert, 'idempotencyKey'>;
    };

export const incidentKey = (doc: string, version: number): string => `doc-incident#${doc}#${version}`;
export const conditionAlertKey = (key: string, version: number): string =>
  `health-condition#${key}#${version}`;

/** One key for a run's grouped alert: the per-doc key when alone, else a digest of them all. */
export function groupKey(type: string, keys: readonly string[]): string {
  if (keys.length === 1) return keys[0] ?? '';
  const digest = createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${type}#${digest}`;
}

const byDomainThenDoc = <T extends { domain: string; doc: string }>(a: T, b: T): number =>
  a.domain === b.domain ? (a.doc < b.doc ? -1 : a.doc > b.doc ? 1 : 0) : a.domain < b.domain ? -1 : 1;

const domainsOf = (docs: readonly { domain: string }[]): string[] =>
  [...new Set(docs.map((d) => d.domain))].sort();

/** The alerts for these transitions, in a stable order: conditions first (the root cause), then docs. */
export function alertsFor(runId: string, at: string, transitions: readonly Transition[]): HealthAlert[] {
  const out: HealthAlert[] = [];
  for (const t of transitions) {
    if (t.kind === 'condition') out.push({ ...t.alert, idempotencyKey: t.key });
  }
  const picked = <K extends DocTransition['kind']>(kind: K) =>
    transitions.filter((t): t is Extract<DocTransition, { kind: K }> & { key: string } => t.kind === kind);
  const base = (
    type: string,
    severity: HealthSeverity,
    group: readonly { key: string; doc: { domain: string } }[],
  ) => ({
    runId,
    at,
    severity,
    domains: domainsOf(group.map((t) => t.doc)),
    idempotencyKey: groupKey(
      type,
      group.map((t) => t.key),
    ),
  });
  const failing = picked('failing');
  if (failing.length > 0) {
    const docs: FailingDoc[] = failing.map((t) => t.doc).sort(byDomainThenDoc);
    out.push({ type: 'doc.failing', ...base('doc.failing', 'critical', failing), docs });
  }
  const recovered = picked('recovered');
  if (recovered.length > 0) {
    const docs: RecoveredDoc[] = recovered.map((t) => t.doc).sort(byDomainThenDoc);
    out.push({ type: 'doc.recovered', ...base('doc.recovered', 'info', recovered), docs });
  }
  const flapping = picked('flapping');
  if (flapping.length > 0) {
    const docs: FlappingDoc[] = flapping.map((t) => t.doc).sort(byDomainThenDoc);
    out.push({ type: 'doc.flapping', ...base('doc.flapping', 'warning', flapping), docs });
  }
  return out;
}
