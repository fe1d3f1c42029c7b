// Alerts for business-condition transitions: one per transition, keyed `${businessId}#${version}`
// so a retried delivery of the same transition can be recognised downstream.
import { healthSubject, renderHealthText } from '../health/render.js';
import { isHealthAlert } from '../health/types.js';
import type { Alert, AlertType, BusinessAlert, BusinessState } from '../model.js';

/** FORMAT.md §9: the remedy when the doc's Known Issues has nothing to say. */
export const DEFAULT_REMEDY =
  'A verified business is never spam-flagged: verify the business if you can. Otherwise create a fresh ' +
  "business (directory token -> new business -> staff token -> client) and update the target's params " +
  '(business_id, business_uid, staff_id, client_id, ...) and tokens.';

export const RECOVERED_REMEDY = 'None needed: a later run sent a message successfully.';

/** The alert a state change deserves, if any: ok→spam_flagged (or created flagged), spam_flagged→ok. */
export function transitionType(
  previous: BusinessState | undefined,
  next: BusinessState,
): AlertType | undefined {
  const before = previous?.condition ?? 'ok';
  if (next.condition === before) return undefined;
  return next.condition === 'spam_flagged' ? 'business.spam_flagged' : 'business.recovered';
}

export function idempotencyKey(businessId: string, version: number): string {
  return `${businessId}#${version}`;
}

/** Builds the alert for the transition `previous → next`. */
export function buildAlert(type: AlertType, next: BusinessState, previous?: BusinessState): BusinessAlert {
  const flagged = type === 'business.spam_flagged';
  // Keys in the documented order, so the JSON is the same wherever the alert is built.
  return {
    type,
    businessId: next.businessId,
    since: next.since,
    ...(flagged && next.evidence ? { evidence: next.evidence } : {}),
    // On recovery the docs that were blocked are the useful list; the new state has none.
    affectedDocs: [...(flagged ? next.affectedDocs : (previous?.affectedDocs ?? next.affectedDocs))],
    remedy: flagged ? (next.remedy ?? DEFAULT_REMEDY) : RECOVERED_REMEDY,
    runId: next.runId ?? '',
    idempotencyKey: idempotencyKey(next.businessId, next.version),
  };
}

/** `buildAlert` for a state change, or undefined when the condition did not change. */
export function alertForTransition(
  previous: BusinessState | undefined,
  next: BusinessState,
): BusinessAlert | undefined {
  const type = transitionType(previous, next);
  return type ? buildAlert(type, next, previous) : undefined;
}

const EXCERPT_MAX = 500;

/**
 * An email subject as SNS accepts it: one line of printable ASCII, under 100 characters.
 */
export function alertSubject(alert: Alert): string {
  if (isHealthAlert(alert)) return healthSubject(alert);
  const what =
    alert.type === 'business.spam_flagged' ? 'is spam-flagged' : 'recovered (no longer spam-flagged)';
  const subject = `[verifier] Business ${alert.businessId} ${what}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length < 100 ? subject : `${subject.slice(0, 96)}...`;
}

/** Plain text for email subscribers. */
export function renderAlertText(alert: Alert): string {
  if (isHealthAlert(alert)) return renderHealthText(alert);
  const lines: string[] = [];
  if (alert.type === 'business.spam_flagged') {
    lines.push(
      `Business ${alert.businessId} is spam-flagged (or its user is blocked) since ${alert.since}.`,
      'Message creation is rejected with HTTP 422; docs that hit this condition end as blocked until it clears.',
    );
  } else {
    lines.push(`Business ${alert.businessId} is no longer spam-flagged since ${alert.since}.`);
  }
  const e = alert.evidence;
  if (e) {
    const body = e.body.length > EXCERPT_MAX ? `${e.body.slice(0, EXCERPT_MAX)}…` : e.body;
    lines.push(
      '',
      'Evidence:',
      `  endpoint: ${e.endpoint}`,
      `  status:   ${e.status}`,
      `  body:     ${body}`,
      `  doc:      ${e.doc} (step ${e.stepId})`,
      `  at:       ${e.at}`,
      `  rule:     ${e.rule}`,
    );
  }
  lines.push('', alert.type === 'business.spam_flagged' ? 'Affected docs:' : 'Previously affected docs:');
  if (alert.affectedDocs.length === 0) lines.push('  (none recorded)');
  for (const d of alert.affectedDocs) lines.push(`  - ${d}`);
  lines.push('', 'Remedy:', ...alert.remedy.split('\n').map((l) => `  ${l}`));
  lines.push('', `Run: ${alert.runId || '(unknown)'}`, `Alert id: ${alert.idempotencyKey}`);
  return `${lines.join('\n')}\n`;
}
