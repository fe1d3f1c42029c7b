// Endpoint health alerts (issue 12): the payloads, exactly as documented in the README's
// "Endpoint health alerts". Every alert carries `severity` and `domains` so the SNS sink can set the
// message attributes subscribers filter on. Nothing here ever holds a token: URLs, reasons and body
// excerpts are redacted by the runner, and credential alerts name the token type only.

export type HealthSeverity = 'critical' | 'warning' | 'info';

export type ConditionType = 'target.down' | 'credential.rejected' | 'target.rate_limited';

export type HealthAlertType =
  | 'doc.failing'
  | 'doc.recovered'
  | 'doc.flapping'
  | ConditionType
  | 'target.recovered'
  | 'credential.recovered';

interface HealthAlertBase {
  readonly runId: string;
  readonly at: string;
  readonly severity: HealthSeverity;
  /** Every domain the alert concerns (a string array: SNS filter policies match any element). */
  readonly domains: readonly string[];
  readonly idempotencyKey: string;
}

export interface FailingDoc {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  readonly outcome: 'fail' | 'error';
  /** When the failing streak began. */
  readonly since: string;
  /** Consecutive failing runs. */
  readonly failures: number;
  readonly step?: {
    readonly id: string;
    readonly method: string;
    /** Redacted. */
    readonly url?: string;
    readonly expected: readonly number[];
    /** The status answered, or the transport fault. */
    readonly actual?: number | string;
  };
  readonly reason?: string;
  /** Redacted, at most 500 bytes. */
  readonly bodyExcerpt?: string;
  /** The doc's Known Issues, when they name the status or error seen. */
  readonly remedy?: string;
}

export interface RecoveredDoc {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  /** When it started failing. */
  readonly since: string;
  readonly downtimeMs: number;
}

export interface FlappingDoc {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  /** Incidents opened and closed within the window. */
  readonly cycles: number;
}

export interface DocFailingAlert extends HealthAlertBase {
  readonly type: 'doc.failing';
  readonly docs: readonly FailingDoc[];
}

export interface DocRecoveredAlert extends HealthAlertBase {
  readonly type: 'doc.recovered';
  readonly docs: readonly RecoveredDoc[];
}

export interface DocFlappingAlert extends HealthAlertBase {
  readonly type: 'doc.flapping';
  readonly docs: readonly FlappingDoc[];
}

/** Counts by error kind and status, and a few examples, from the run that classified the condition. */
export interface ConditionEvidence {
  /** Requests the rule looked at (all of the run's, one token type's, or only the errors). */
  readonly considered: number;
  readonly matched: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly examples: { doc: string; step: string; method: string; url?: string; actual: string }[];
  /** For `target.rate_limited`: the run's request cap in force (requests per second; 0 = none). */
  readonly rateCapRps?: number;
}

export interface ConditionAlert extends HealthAlertBase {
  readonly type: ConditionType | 'target.recovered' | 'credential.recovered';
  /** The condition that started or cleared. */
  readonly condition: ConditionType;
  /** The rule that classified it. */
  readonly rule: string;
  /** The target name, or the token type for credential conditions (never a token value). */
  readonly subject: string;
  /** When the condition started. */
  readonly since: string;
  readonly evidence?: ConditionEvidence;
  readonly remedy?: string;
}

export type HealthAlert = DocFailingAlert | DocRecoveredAlert | DocFlappingAlert | ConditionAlert;

const HEALTH_TYPES: ReadonlySet<string> = new Set<HealthAlertType>([
  'doc.failing',
  'doc.recovered',
  'doc.flapping',
  'target.down',
  'credential.rejected',
  'target.rate_limited',
  'target.recovered',
  'credential.recovered',
]);

export function isHealthAlert(alert: { readonly type: string }): alert is HealthAlert {
  return HEALTH_TYPES.has(alert.type);
}
