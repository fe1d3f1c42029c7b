// The HTML pages' view models: plain data, already redacted, built by status-view.ts (from the state)
// and run-view.ts (from one run's results). The renderer (render.ts) turns them into one HTML string.
import type { Outcome, Summary } from '../engine/model.js';

export interface StepView {
  readonly id: string;
  readonly phase: string;
  readonly line: number;
  readonly method: string;
  /** Redacted URL as sent. */
  readonly url?: string;
  readonly status?: number;
  /** `201`, `200 or 204`, `any 2xx`. */
  readonly expected: string;
  readonly outcome: string;
  readonly durationMs: number;
  readonly error?: string;
  readonly bodyExcerpt?: string;
  readonly condition?: string;
}

/** One cell of a history strip: the doc's outcome in one run of the window (undefined: not run). */
export interface HistoryCell {
  readonly outcome?: Outcome;
  /** The failing step's id, for the tooltip. */
  readonly step?: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly runId: string;
  readonly outcome: Outcome;
  readonly reason?: string;
}

/** One response-contract check of a step (`--openapi`). */
export interface ContractView {
  readonly step: string;
  readonly operation: string;
  readonly spec: string;
  readonly valid: boolean;
  /** `pointer: message`, the pointer `(root)` for the body itself. */
  readonly findings: readonly string[];
}

/** One auth-matrix re-send (`--auth-matrix`); `auth.accepted` is a security finding. */
export interface AuthView {
  readonly tokenType: string;
  readonly documented: string;
  readonly step: string;
  readonly expected?: number;
  readonly status?: number;
  readonly finding: string;
}

export interface DocRowView {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  readonly tags: readonly string[];
  readonly outcome: Outcome;
  /** When the doc entered its latest outcome. */
  readonly since?: string;
  readonly reason?: string;
  readonly durationMs?: number;
  /** The step that decided a non-pass outcome. */
  readonly failing?: StepView;
  /** Every step (the run report). */
  readonly steps?: readonly StepView[];
  readonly findings?: readonly string[];
  /** True when a response contract check failed (the doc's outcome may still be pass). */
  readonly drifted?: boolean;
  readonly contract?: readonly ContractView[];
  readonly auth?: readonly AuthView[];
  /** True when a token type the doc says is refused was let in (auth.accepted). */
  readonly authAccepted?: boolean;
  /** The status page: the doc's active auth.accepted findings (from the health records). */
  readonly security?: readonly HealthItemView[];
  readonly knownIssues?: string;
  /** One cell per run of the page's window, oldest first (the status page). */
  readonly history?: readonly HistoryCell[];
  /** Pass ratio 0..1 per window; undefined when the doc did not run in it. */
  readonly uptime?: { readonly d1?: number; readonly d7?: number; readonly d30?: number };
  readonly medianMs?: number;
  readonly p95Ms?: number;
  /** Outcome changes, newest first. */
  readonly timeline?: readonly TimelineEntry[];
}

export interface DomainView {
  readonly name: string;
  readonly summary: Summary;
  readonly docs: readonly DocRowView[];
}

/**
 * An open incident, an active condition, a mute in force, a flapping doc or an active security finding
 * (a token type the doc says is refused was let in), as a person reads it.
 */
export interface HealthItemView {
  readonly kind: 'incident' | 'condition' | 'mute' | 'flapping' | 'security';
  /**
   * incident and flapping: the doc; condition: `<condition>#<subject>`; mute: its id; security:
   * `auth.accepted#<doc>#<tokenType>`.
   */
  readonly key: string;
  /** security: the doc and the token type let in. */
  readonly doc?: string;
  readonly tokenType?: string;
  readonly title: string;
  readonly details: readonly string[];
  /** incident: failing since; condition: active since; security: accepted since. */
  readonly since?: string;
  /** incident: consecutive failing runs. */
  readonly failures?: number;
  /** mute: when it ends, and why it was set. */
  readonly until?: string;
  readonly reason?: string;
}

export interface BusinessView {
  readonly businessId: string;
  readonly condition: string;
  readonly since: string;
  readonly remedy?: string;
}

export interface RunView {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly trigger?: string;
  readonly durationMs?: number;
  readonly summary?: Summary;
}

export interface StatusView {
  readonly kind: 'status';
  readonly title: string;
  readonly target?: string;
  readonly generatedAt: string;
  readonly lastRun?: RunView;
  /** Active auth.accepted findings: security regressions, shown before everything else. */
  readonly security: readonly HealthItemView[];
  readonly incidents: readonly HealthItemView[];
  readonly conditions: readonly HealthItemView[];
  readonly mutes: readonly HealthItemView[];
  /** Docs whose incidents opened and closed 3 times within 24 h (alerts held back). */
  readonly flapping: readonly HealthItemView[];
  readonly businesses: readonly BusinessView[];
  /** The history window, oldest first: one strip cell and one chart bar per run. */
  readonly runs: readonly RunView[];
  readonly domains: readonly DomainView[];
}

export interface RunReportView {
  readonly kind: 'run';
  readonly title: string;
  readonly target?: string;
  readonly generatedAt: string;
  readonly run: RunView;
  readonly summary: Summary;
  readonly incomplete: boolean;
  readonly businesses: readonly BusinessView[];
  readonly domains: readonly DomainView[];
}

export type PageView = StatusView | RunReportView;
