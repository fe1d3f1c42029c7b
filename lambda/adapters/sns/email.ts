// The email rendering of an alert for SNS email subscribers: a one-line subject SNS accepts and a
// plain-text body. (The webhook and HTTPS subscribers get the alert JSON itself.)
import { healthSubject, renderHealthText } from '../../engine/health/render.js';
import { isHealthAlert } from '../../engine/health/types.js';
import type { Alert } from '../../engine/model.js';
import { authSubject, isAuthAlert, renderAuthText } from '../../engine/promises/auth-alerts.js';

const EXCERPT_MAX = 500;

/**
 * An email subject as SNS accepts it: one line of printable ASCII, under 100 characters.
 */
export function alertSubject(alert: Alert): string {
  if (isHealthAlert(alert)) return healthSubject(alert);
  if (isAuthAlert(alert)) return authSubject(alert);
  const what =
    alert.type === 'business.spam_flagged' ? 'is spam-flagged' : 'recovered (no longer spam-flagged)';
  const subject = `[verifier] Business ${alert.businessId} ${what}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length < 100 ? subject : `${subject.slice(0, 96)}...`;
}

/** Plain text for email subscribers. */
export function renderAlertText(alert: Alert): string {
  if (isHealthAlert(alert)) return renderHealthText(alert);
  if (isAuthAlert(alert)) return renderAuthText(alert);
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
