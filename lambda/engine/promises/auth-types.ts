// What a doc's `## Authentication` table says, as data (parsed by auth-table.ts, carried on the Doc).

/** What the doc says about one token type. `unchecked`: Partial, ⚠️ or anything else. */
export type Documented = 'accepted' | 'refused' | 'unchecked';

export interface AuthRow {
  /** 1-based file line of the row. */
  readonly line: number;
  /** The name as written, without markdown. */
  readonly name: string;
  /** The configured token type it maps to; absent for names the verifier does not know. */
  readonly tokenType?: string;
  readonly documented: Documented;
  /** The status the notes state for a refused type (first 4xx/5xx number), if any. */
  readonly expectedStatus?: number;
  /** Statuses that count as "refused" for this row: the stated one, else 401/403 (+400/422 for "no context"). */
  readonly refusedStatuses: readonly number[];
  readonly notes: string;
}

export interface AuthTable {
  /** File line of the table's header row. */
  readonly line: number;
  readonly rows: readonly AuthRow[];
}

export type AuthFindingKind = 'ok' | 'auth.accepted' | 'auth.refused' | 'auth.status';

/** One re-send's verdict, as the JSON report carries it on the doc's entry. */
export interface AuthFinding {
  readonly tokenType: string;
  readonly documented: 'accepted' | 'refused';
  readonly expectedStatus?: number;
  readonly step: string;
  /** The status the API answered; absent when the request failed at transport level. */
  readonly status?: number;
  readonly finding: AuthFindingKind;
}

/** The auth matrix's security finding as an alert, once per transition (auth-alerts.ts). */
export type AuthAlertType = 'auth.accepted' | 'auth.ok';

export interface AuthAlert {
  readonly type: AuthAlertType;
  readonly runId: string;
  readonly at: string;
  /** `critical` when a token is let in, `info` when it is refused again. */
  readonly severity: 'critical' | 'info';
  readonly domains: readonly string[];
  /** `auth.accepted#<doc>#<tokenType>#<version>`: the same transition always carries the same key. */
  readonly idempotencyKey: string;
  readonly doc: string;
  readonly endpoint?: string;
  readonly tokenType: string;
  /** The step re-sent with that token type, the status it got and the one the doc states. */
  readonly step: string;
  readonly status?: number;
  readonly expectedStatus?: number;
  /** When the token type started being accepted. */
  readonly since: string;
  readonly remedy: string;
}
