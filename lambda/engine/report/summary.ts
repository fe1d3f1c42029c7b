// Pure helpers shared by the report writers and the console: counting outcomes and explaining
// why a doc did not pass (failing step, expected vs actual, body excerpt). Inputs are already redacted.
import type { DocResult, Outcome, StepResult, Summary } from '../model.js';
import { emptySummary } from '../model.js';
import { byText } from '../order.js';

/** At most this many UTF-8 bytes of a response body are shown (FORMAT.md §8). */
export const EXCERPT_BYTES = 1024;

/** Counts one result into `summary` (mutates it) and returns it. */
export function addToSummary(summary: Summary, outcome: Outcome): Summary {
  summary[outcome]++;
  summary.total++;
  return summary;
}

export function summarize(results: Iterable<Pick<DocResult, 'outcome'>>): Summary {
  const summary = emptySummary();
  for (const r of results) addToSummary(summary, r.outcome);
  return summary;
}

/** Per-domain summaries, domains sorted by name. */
export function summarizeByDomain(
  results: Iterable<Pick<DocResult, 'outcome' | 'domain'>>,
): Map<string, Summary> {
  const byDomain = new Map<string, Summary>();
  for (const r of results) {
    const s = byDomain.get(r.domain) ?? emptySummary();
    byDomain.set(r.domain, addToSummary(s, r.outcome));
  }
  return new Map([...byDomain].sort(([a], [b]) => byText(a, b)));
}

/** The outcomes that make a run exit 1. */
export function isProblem(outcome: Outcome): boolean {
  return outcome === 'fail' || outcome === 'error' || outcome === 'blocked' || outcome === 'invalid';
}

/** The step that decided a non-pass outcome: the first step that failed the way the doc did. */
export function failingStep(result: DocResult): StepResult | undefined {
  const steps = result.steps;
  if (result.outcome === 'pass' || result.outcome === 'skip') return undefined;
  if (result.outcome === 'blocked')
    return steps.find((s) => s.condition) ?? steps.find((s) => s.outcome !== 'pass');
  const same = steps.find((s) => s.outcome === result.outcome);
  return same ?? steps.find((s) => s.outcome === 'fail' || s.outcome === 'error');
}

const encoder = new TextEncoder();
const utf8Length = (s: string) => encoder.encode(s).length;

/** Truncates to at most `maxBytes` UTF-8 bytes without splitting a character; marks the cut. */
export function excerpt(text: string, maxBytes = EXCERPT_BYTES): string {
  if (utf8Length(text) <= maxBytes) return text;
  const marker = '…';
  const budget = maxBytes - utf8Length(marker);
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = utf8Length(ch);
    if (bytes + n > budget) break;
    bytes += n;
    out += ch;
  }
  return out + marker;
}

export function describeExpected(expected: readonly number[]): string {
  return expected.length === 0 ? 'any 2xx' : expected.join(' or ');
}

function statusMatched(step: StepResult): boolean {
  if (step.status === undefined) return false;
  return step.expected.length === 0
    ? step.status >= 200 && step.status < 300
    : step.expected.includes(step.status);
}

/** One-line summary of why the doc did not pass, e.g. `step "create" (line 52): expected 201, got 422`. */
export function failureMessage(result: DocResult): string {
  const step = failingStep(result);
  if (result.outcome === 'invalid' && result.findings?.length) {
    const f = result.findings.find((x) => x.severity === 'error') ?? result.findings[0];
    if (f) return `line ${f.line}: ${f.message}`;
  }
  if (step) {
    const where = `step "${step.id}" (line ${step.line})`;
    // An error that already says expected vs actual, or a status that matched (an extract miss),
    // speaks for itself.
    if (step.error && (statusMatched(step) || /expected/i.test(step.error))) return `${where}: ${step.error}`;
    const actual = step.status === undefined ? 'no response' : `got ${step.status}`;
    const head = `${where}: expected ${describeExpected(step.expected)}, ${actual}`;
    return step.error ? `${head}: ${step.error}` : head;
  }
  return result.reason ?? result.outcome;
}

/**
 * Multi-line explanation of a non-pass doc: reason, failing step with its request, expected vs
 * actual, error, findings, and a body excerpt of at most 1 KB.
 */
export function failureDetail(result: DocResult): string[] {
  const lines: string[] = [];
  // An invalid doc's reason is its first error finding (the console may add a note such as "(new)"):
  // the findings below list it with the others, so it is not said twice.
  const { reason, findings = [] } = result;
  if (reason && !findings.some((f) => reason.startsWith(`${f.doc}:${f.line}: ${f.message}`)))
    lines.push(`reason: ${reason}`);
  const step = failingStep(result);
  if (step) {
    const where = step.url ? `${step.method} ${step.url}` : step.method;
    lines.push(`step: "${step.id}" (${step.phase}, line ${step.line}) ${where}`);
    lines.push(`expected: ${describeExpected(step.expected)}`);
    lines.push(`actual: ${step.status === undefined ? 'no response' : String(step.status)}`);
    if (step.error) lines.push(`error: ${step.error}`);
    if (step.condition) lines.push(`condition: ${step.condition.condition} (rule ${step.condition.rule})`);
    if (step.bodyExcerpt) lines.push(`body: ${excerpt(step.bodyExcerpt)}`);
  }
  for (const f of findings) lines.push(`${f.doc}:${f.line}: ${f.severity}: ${f.message}`);
  return lines;
}
