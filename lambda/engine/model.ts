// The engine's data model: what a parsed doc is, and what a run produces.
// Results are data (Step CI style); every parsed step keeps the line it came from (Hurl style).
import type { HealthAlert } from './health/types.js';
import type { AuthAlert, AuthFinding, AuthTable } from './promises/auth-types.js';
import type { ContractCheck, ContractTotals } from './promises/contract-model.js';

/** Run policy derived from the frontmatter `status` (FORMAT.md §2, §6). */
export type DocStatus = 'active' | 'pending' | 'skipped' | 'failed' | 'retired';

/** Exactly one per doc per run (FORMAT.md §8). */
export type Outcome = 'pass' | 'fail' | 'error' | 'blocked' | 'invalid' | 'skip';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'blocked', 'invalid', 'skip'];

export type StepOutcome = 'pass' | 'fail' | 'error' | 'skip';
export type Phase = 'prerequisite' | 'test';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type OnFail = 'abort' | 'skip' | 'continue' | 'warn';

/** A lint or parse finding, rendered as `path:line: severity: message`. */
export interface Finding {
  /** Doc id (path relative to the docs root). The CLI re-renders it relative to the cwd. */
  readonly doc: string;
  /** 1-based line in the doc file. */
  readonly line: number;
  readonly severity: 'error' | 'warning';
  /** Stable machine code, e.g. `unresolved-variable`, `bad-extract`, `unsafe-path`. */
  readonly code: string;
  /** Says what was found, what was expected and how to fix it. */
  readonly message: string;
}

export interface FileField {
  readonly fieldName: string;
  readonly filePath: string;
  readonly filename?: string;
  readonly contentType?: string;
}

/** A step as the author wrote it, validated; templates (`{{x}}`) are still unresolved. */
export interface Step {
  readonly id: string;
  readonly description?: string;
  readonly phase: Phase;
  /** 1-based line of the step's first key in the doc file. */
  readonly line: number;
  readonly method: HttpMethod;
  readonly path: string;
  /** Token type; default `staff`. */
  readonly token: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly xOnBehalfOf: boolean;
  /** Step-level `useFallback` / `useFallbackApi`. */
  readonly useFallback: boolean;
  readonly contentType: 'json' | 'multipart';
  readonly formFields: Readonly<Record<string, unknown>>;
  readonly fileFields: readonly FileField[];
  /** variable name → JSONPath */
  readonly extract: Readonly<Record<string, string>>;
  /** Accepted statuses; empty means "any 2xx". */
  readonly expect: readonly number[];
  readonly onFail: OnFail;
  readonly skipReason?: string;
  /** Wait after the step succeeds, already capped by the parser. */
  readonly sleepMs: number;
}

export interface Doc {
  /** Path relative to the docs root, with `/` separators: the doc's identity. */
  readonly id: string;
  readonly endpoint?: string;
  readonly domain: string;
  readonly tags: readonly string[];
  readonly status: DocStatus;
  /** The frontmatter status as written (`verified`, `success`, ...). */
  readonly rawStatus: string;
  readonly useFallbackApi: boolean;
  readonly skipReason?: string;
  readonly expectedOutcome?: readonly number[];
  readonly prerequisites: readonly Step[];
  readonly test: readonly Step[];
  /** Prose of the `## Known Issues` section, if any (used as an alert remedy). */
  readonly knownIssues?: string;
  /** The `## Authentication` table, when the doc has one (FORMAT.md §10). */
  readonly authentication?: AuthTable;
  /** The whole frontmatter, normalised (dates as ISO strings). */
  readonly frontmatter: Readonly<Record<string, unknown>>;
}

/**
 * What parsing one file yields. `doc` is present when the file could be understood well enough to
 * report on; `findings` with severity `error` make the doc **invalid** for a run.
 */
export interface ParsedDoc {
  readonly id: string;
  readonly doc?: Doc;
  readonly findings: readonly Finding[];
}

export interface StepResult {
  readonly id: string;
  readonly phase: Phase;
  readonly line: number;
  readonly method: HttpMethod;
  /** The URL sent (redacted; never contains a token). */
  readonly url?: string;
  readonly status?: number;
  readonly expected: readonly number[];
  readonly outcome: StepOutcome;
  readonly durationMs: number;
  /** Why the step did not pass: expected vs actual, extract miss, transport error. Redacted. */
  readonly error?: string;
  /** Redacted excerpt of the response body, at most 1 KB. */
  readonly bodyExcerpt?: string;
  /** Set when a business-condition rule matched this step's response. */
  readonly condition?: ConditionMatch;
  /** The token type the request carried (never its value); set on every sent request. */
  readonly token?: string;
  /** The transport fault, when the step ended `error` without an answer. */
  readonly fault?: HttpFaultKind;
}

export interface DocResult {
  readonly doc: string;
  readonly endpoint?: string;
  readonly domain: string;
  readonly tags?: readonly string[];
  readonly status?: DocStatus;
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly durationMs: number;
  readonly startedAt: string;
  readonly steps: readonly StepResult[];
  /** For `invalid`: the findings that made it so. */
  readonly findings?: readonly Finding[];
  /** Auth-matrix verdicts (`--auth-matrix`): never change the outcome. */
  readonly auth?: readonly AuthFinding[];
  /** Response contract checks (`--openapi`): change the outcome only under `--contract strict`. */
  readonly contract?: readonly ContractCheck[];
}

export type Summary = Record<Outcome, number> & { total: number };

export type BusinessCondition = 'ok' | 'spam_flagged';

/** Evidence that a business condition holds, as stored and alerted (always redacted). */
export interface Evidence {
  readonly doc: string;
  readonly stepId: string;
  readonly endpoint: string;
  readonly status: number;
  readonly body: string;
  readonly at: string;
  readonly rule: string;
}

export interface ConditionMatch {
  readonly condition: Exclude<BusinessCondition, 'ok'>;
  readonly rule: string;
  /** True once confirmed by a re-probe (see conditions). */
  readonly confirmed: boolean;
}

export interface BusinessState {
  readonly businessId: string;
  readonly condition: BusinessCondition;
  readonly since: string;
  readonly evidence?: Evidence;
  readonly affectedDocs: readonly string[];
  /** Incremented on every transition; writes are conditional on the previous version. */
  readonly version: number;
  readonly remedy?: string;
  readonly runId?: string;
  readonly updatedAt: string;
}

export interface RunReport {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly summary: Summary;
  readonly docs: readonly DocResult[];
  readonly businesses: readonly { businessId: string; condition: BusinessCondition; since: string }[];
  /** Stopped early (Ctrl-C, --bail): docs not yet started were left out of the run. */
  readonly interrupted?: boolean;
  /** With `--openapi`: how many test steps matched an operation, had a 2xx schema, and were valid. */
  readonly contract?: ContractTotals;
}

/** What `runDocs` returns: the report without the per-doc results, which are streamed as events. */
export type RunResult = Omit<RunReport, 'docs'>;

export type AlertType = 'business.spam_flagged' | 'business.recovered';

/** Every alert: business-condition transitions, endpoint health (lambda/engine/health/types.ts), auth matrix. */
export type Alert = BusinessAlert | HealthAlert | AuthAlert;

export interface BusinessAlert {
  readonly type: AlertType;
  readonly businessId: string;
  readonly since: string;
  readonly evidence?: Evidence;
  readonly affectedDocs: readonly string[];
  readonly remedy: string;
  readonly runId: string;
  /** `${businessId}#${version}`: the same transition always carries the same key (dedupe). */
  readonly idempotencyKey: string;
}

export function emptySummary(): Summary {
  return { total: 0, pass: 0, fail: 0, error: 0, blocked: 0, invalid: 0, skip: 0 };
}

/** Transport faults. An HTTP status is never a fault: it is a response. */
export type HttpFaultKind = 'timeout' | 'connect' | 'reset' | 'dns' | 'redirect' | 'aborted' | 'other';
