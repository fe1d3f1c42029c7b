// The auth matrix's security finding as an alert, once per transition: each doc × token type is a
// health record (kind `condition`, key `auth.accepted#<doc>#<tokenType>`) written conditionally on its
// version, as business conditions are. `auth.accepted` is raised when a refused token type starts being
// let in, `auth.ok` when it is refused again; a run that sees no change alerts nothing, and of two runs
// racing on the same change only the one whose write won alerts. Nothing here holds a token: the
// records and alerts name the token type only.
import * as z from 'zod';
import type { HealthStore } from '../health/records.js';
import type { AuthAlert, AuthAlertType, AuthFinding } from './auth-types.js';

export type { AuthAlert, AuthAlertType } from './auth-types.js';

/** The auth findings of one doc of the run. */
export interface DocAuth {
  readonly doc: string;
  readonly domain: string;
  readonly endpoint?: string;
  readonly auth: readonly AuthFinding[];
}

const AUTH_ALERT_TYPES: ReadonlySet<string> = new Set<AuthAlertType>(['auth.accepted', 'auth.ok']);

export function isAuthAlert(alert: { readonly type: string }): alert is AuthAlert {
  return AUTH_ALERT_TYPES.has(alert.type);
}

export const authConditionKey = (doc: string, tokenType: string): string =>
  `auth.accepted#${doc}#${tokenType}`;

/** Whether a `condition` record is the auth matrix's (`auth.accepted#<doc>#<tokenType>`). */
export const isAuthConditionKey = (key: string): boolean => key.startsWith('auth.accepted#');

/** A doc × token type's auth state as stored (the status page reads it with this schema too). */
export const authRecordSchema = z.object({
  doc: z.string(),
  tokenType: z.string(),
  state: z.enum(['accepted', 'ok']),
  since: z.string(),
  runId: z.string(),
  step: z.string(),
  status: z.number().optional(),
  expectedStatus: z.number().optional(),
});
export type AuthRecord = z.infer<typeof authRecordSchema>;

const REMEDY_ACCEPTED =
  "The doc says this token type must be refused and the API let it in: a security regression. Fix the API, or, if the change was intended, the doc's Authentication table.";
const REMEDY_OK = 'None needed: the API refuses this token type again, as the doc says.';

export interface SettleAuthInput {
  readonly runId: string;
  readonly at: string;
  readonly docs: readonly DocAuth[];
}

/** Records each doc × token type's state and returns the alerts for the transitions this run won. */
export async function settleAuthAlerts(store: HealthStore, input: SettleAuthInput): Promise<AuthAlert[]> {
  const alerts: AuthAlert[] = [];
  for (const d of input.docs) {
    const byType = new Map<string, AuthFinding[]>();
    for (const f of d.auth) byType.set(f.tokenType, [...(byType.get(f.tokenType) ?? []), f]);
    for (const [tokenType, findings] of byType) {
      const accepted = findings.find((f) => f.finding === 'auth.accepted');
      const key = authConditionKey(d.doc, tokenType);
      const record = await store.getHealth('condition', key);
      const prev = record ? authRecordSchema.safeParse(record.data) : undefined;
      const prevState: AuthRecord['state'] = prev?.success ? prev.data.state : 'ok';
      const state: AuthRecord['state'] = accepted ? 'accepted' : 'ok';
      if (state === prevState) continue;
      const shown = accepted ?? findings[0];
      if (!shown) continue;
      const data: AuthRecord = {
        doc: d.doc,
        tokenType,
        state,
        since: input.at,
        runId: input.runId,
        step: shown.step,
        ...(shown.status !== undefined ? { status: shown.status } : {}),
        ...(shown.expectedStatus !== undefined ? { expectedStatus: shown.expectedStatus } : {}),
      };
      const version = record?.version ?? 0;
      // Lost to another run: that run alerts this transition.
      if (!(await store.putHealth('condition', key, data, version, input.at))) continue;
      alerts.push({
        type: state === 'accepted' ? 'auth.accepted' : 'auth.ok',
        runId: input.runId,
        at: input.at,
        severity: state === 'accepted' ? 'critical' : 'info',
        domains: [d.domain],
        idempotencyKey: `${key}#${version + 1}`,
        doc: d.doc,
        ...(d.endpoint ? { endpoint: d.endpoint } : {}),
        tokenType,
        step: shown.step,
        ...(shown.status !== undefined ? { status: shown.status } : {}),
        ...(shown.expectedStatus !== undefined ? { expectedStatus: shown.expectedStatus } : {}),
        since: state === 'accepted' ? input.at : prev?.success ? prev.data.since : input.at,
        remedy: state === 'accepted' ? REMEDY_ACCEPTED : REMEDY_OK,
      });
    }
  }
  return alerts;
}

/** One line: what happened, for the console, an email subject's body and logs. */
export function authAlertLine(alert: AuthAlert): string {
  const got = alert.status !== undefined ? ` (${alert.status})` : '';
  const said = alert.expectedStatus !== undefined ? `No (${alert.expectedStatus})` : 'No';
  return alert.type === 'auth.accepted'
    ? `${alert.tokenType} token accepted on ${alert.doc} step "${alert.step}"${got}; the doc says ${said}`
    : `${alert.tokenType} token refused again on ${alert.doc} step "${alert.step}"${got} (accepted since ${alert.since})`;
}

/** Plain text for email subscribers. */
export function renderAuthText(alert: AuthAlert): string {
  return [
    authAlertLine(alert),
    ...(alert.endpoint ? [`Endpoint: ${alert.endpoint}`] : []),
    '',
    'Remedy:',
    `  ${alert.remedy}`,
    '',
    `Run: ${alert.runId}`,
    `Alert id: ${alert.idempotencyKey}`,
    '',
  ].join('\n');
}

/** An email subject SNS accepts: one printable ASCII line under 100 characters. */
export function authSubject(alert: AuthAlert): string {
  const what = alert.type === 'auth.accepted' ? 'accepted' : 'refused again';
  const s = `[verifier] ${alert.tokenType} token ${what}: ${alert.doc}`.replace(/[^\x20-\x7e]/g, '?');
  return s.length < 100 ? s : `${s.slice(0, 96)}...`;
}
