// Alerts for business-condition transitions: one per transition, keyed `${businessId}#${version}`
// so a retried delivery of the same transition can be recognised downstream.
import type { AlertType, BusinessAlert, BusinessState } from '../model.js';

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
