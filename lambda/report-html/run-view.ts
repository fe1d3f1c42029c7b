// The run report's view model: one run's results, grouped by domain, problems first.
import type { BusinessState, DocResult, StepResult, Summary } from '../engine/model.js';
import { byText } from '../engine/order.js';
import {
  describeExpected,
  excerpt,
  failingStep,
  summarize,
  summarizeByDomain,
} from '../engine/report/summary.js';
import type {
  AuthView,
  ContractView,
  DocRowView,
  DomainView,
  RunReportView,
  RunView,
  StepView,
} from './model.js';
import { problemsFirst } from './stats.js';

export function stepView(s: StepResult): StepView {
  return {
    id: s.id,
    phase: s.phase,
    line: s.line,
    method: s.method,
    ...(s.url !== undefined ? { url: s.url } : {}),
    ...(s.status !== undefined ? { status: s.status } : {}),
    expected: describeExpected(s.expected),
    outcome: s.outcome,
    durationMs: s.durationMs,
    ...(s.error ? { error: s.error } : {}),
    ...(s.bodyExcerpt ? { bodyExcerpt: excerpt(s.bodyExcerpt) } : {}),
    ...(s.condition ? { condition: `${s.condition.condition} (rule ${s.condition.rule})` } : {}),
  };
}

/** A doc's row from its result in one run; `withSteps` keeps every step (the run report). */
export function rowFromResult(r: DocResult, withSteps: boolean, knownIssues?: string): DocRowView {
  const failing = failingStep(r);
  return {
    doc: r.doc,
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    domain: r.domain,
    tags: r.tags ?? [],
    outcome: r.outcome,
    ...(r.reason ? { reason: r.reason } : {}),
    durationMs: r.durationMs,
    ...(failing ? { failing: stepView(failing) } : {}),
    ...(withSteps ? { steps: r.steps.map(stepView) } : {}),
    ...(r.findings?.length
      ? { findings: r.findings.map((f) => `${f.doc}:${f.line}: ${f.severity}: ${f.message}`) }
      : {}),
    ...promisesOf(r),
    ...(knownIssues ? { knownIssues } : {}),
  };
}

/** The doc's contract and auth findings (README "What a doc promises beyond its status codes"). */
function promisesOf(r: DocResult): Pick<DocRowView, 'drifted' | 'contract' | 'auth' | 'authAccepted'> {
  const contract: ContractView[] = (r.contract ?? []).map((c) => ({
    step: c.step,
    operation: c.operation,
    spec: c.spec,
    valid: c.valid,
    findings: c.findings.map((f) => `${f.pointer || '(root)'}: ${f.message}`),
  }));
  const auth: AuthView[] = (r.auth ?? []).map((a) => ({
    tokenType: a.tokenType,
    documented: a.documented,
    step: a.step,
    ...(a.expectedStatus !== undefined ? { expected: a.expectedStatus } : {}),
    ...(a.status !== undefined ? { status: a.status } : {}),
    finding: a.finding,
  }));
  return {
    ...(contract.some((c) => !c.valid) ? { drifted: true } : {}),
    ...(contract.length ? { contract } : {}),
    ...(auth.length ? { auth } : {}),
    ...(auth.some((a) => a.finding === 'auth.accepted') ? { authAccepted: true } : {}),
  };
}

/** Rows grouped by domain (domains by name), problems first inside each. */
export function groupByDomain(rows: readonly DocRowView[]): DomainView[] {
  const byDomain = new Map<string, DocRowView[]>();
  for (const r of rows) {
    const list = byDomain.get(r.domain) ?? [];
    list.push(r);
    byDomain.set(r.domain, list);
  }
  const summaries = summarizeByDomain(rows);
  return [...byDomain.keys()].sort(byText).map((name) => ({
    name,
    summary: summaries.get(name) as Summary,
    docs: (byDomain.get(name) ?? []).sort(problemsFirst),
  }));
}

export interface RunReportInput {
  readonly run: RunView;
  readonly results: readonly DocResult[];
  readonly businesses?: readonly Pick<BusinessState, 'businessId' | 'condition' | 'since' | 'remedy'>[];
  readonly incomplete?: boolean;
  readonly target?: string;
  readonly generatedAt: string;
  readonly knownIssues?: (doc: string) => string | undefined;
}

export function buildRunReportView(input: RunReportInput): RunReportView {
  const rows = input.results.map((r) => rowFromResult(r, true, input.knownIssues?.(r.doc)));
  return {
    kind: 'run',
    title: `Verifier run ${input.run.runId}`,
    ...(input.target ? { target: input.target } : {}),
    generatedAt: input.generatedAt,
    run: input.run,
    summary: input.run.summary ?? summarize(input.results),
    incomplete: input.incomplete ?? false,
    businesses: (input.businesses ?? []).map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
      ...(b.remedy ? { remedy: b.remedy } : {}),
    })),
    domains: groupByDomain(rows),
  };
}
