// The auth matrix: after a doc's normal run, its Test Request steps are re-sent once per other token
// type its Authentication table documents (and that has a token configured), and each answer is
// compared with the table. Findings never change the doc's own outcome.
import type { Step } from '../model.js';
import type { AuthFinding, AuthRow, AuthTable } from './auth-types.js';

export type { AuthFinding, AuthFindingKind } from './auth-types.js';

/** `get`: only GET steps are re-sent (a wrongly accepted POST creates data); `all`: every step. */
export type AuthMatrixMode = 'off' | 'get' | 'all';

export interface AuthProbe {
  readonly step: Step;
  readonly tokenType: string;
  readonly row: AuthRow;
}

/**
 * The re-sends for one doc: each test step × each documented token type (Yes or No rows with a
 * known type) other than the one the step uses, that has a token configured.
 */
export function planAuthMatrix(
  steps: readonly Step[],
  table: AuthTable,
  configured: ReadonlySet<string>,
  mode: AuthMatrixMode,
): AuthProbe[] {
  if (mode === 'off') return [];
  const probes: AuthProbe[] = [];
  for (const step of steps) {
    if (mode === 'get' && step.method !== 'GET') continue;
    const seen = new Set<string>([step.token]);
    for (const row of table.rows) {
      if (!row.tokenType || row.documented === 'unchecked' || seen.has(row.tokenType)) continue;
      if (!configured.has(row.tokenType)) continue;
      seen.add(row.tokenType);
      probes.push({ step, tokenType: row.tokenType, row });
    }
  }
  return probes;
}

/** Compares one answer with the row. `accepted` statuses are the step's own expectation (else 2xx). */
export function judgeAuth(probe: AuthProbe, status: number | undefined): AuthFinding {
  const { row } = probe;
  const documented = row.documented === 'accepted' ? 'accepted' : 'refused';
  const base = {
    tokenType: probe.tokenType,
    documented,
    ...(row.expectedStatus !== undefined ? { expectedStatus: row.expectedStatus } : {}),
    step: probe.step.id,
    ...(status !== undefined ? { status } : {}),
  } as const;
  if (status === undefined) return { ...base, finding: 'ok' }; // no answer says nothing about auth
  const accepted =
    probe.step.expect.length > 0 ? probe.step.expect.includes(status) : status >= 200 && status < 300;
  if (documented === 'accepted')
    return { ...base, finding: status === 401 || status === 403 ? 'auth.refused' : 'ok' };
  if (accepted || (status >= 200 && status < 300)) return { ...base, finding: 'auth.accepted' };
  return { ...base, finding: row.refusedStatuses.includes(status) ? 'ok' : 'auth.status' };
}
