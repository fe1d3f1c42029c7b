// Sends one built request and judges the answer: business conditions first (with one re-probe to
// confirm), then the expected status, then extraction. Returns data; throws only for bugs.
import { type ConditionRule, classify } from '../conditions/rules.js';
import type { ConditionMatch, Evidence, Step, StepResult } from '../model.js';
import { type Clock, type HttpClient, HttpFault, type HttpRequest, type HttpResponse } from '../ports.js';
import type { Redactor } from '../redact.js';
import { DEFAULTS } from '../target.js';
import { extractAll } from './extract.js';

/** Wait before re-sending a request whose answer matched a business condition. */
export const REPROBE_DELAY_MS = 500;

export interface StepContext {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly redactor: Redactor;
  readonly rules: readonly ConditionRule[];
  readonly docId: string;
  readonly signal?: AbortSignal;
}

export interface SentStep {
  readonly result: StepResult;
  /** Values extracted when the step passed. */
  readonly extracted: Readonly<Record<string, unknown>>;
  /** Present when a condition was confirmed by the re-probe. */
  readonly evidence?: Evidence;
  /** The answer was 2xx (used to clear a business condition). */
  readonly ok2xx: boolean;
  /** The answer of a step that passed (its body is checked against the doc's contract, if asked). */
  readonly response?: HttpResponse;
}

/** `expected 201, got 422`; an empty expectation means any 2xx. */
export function describeExpected(expected: readonly number[]): string {
  return expected.length === 0 ? '2xx' : expected.join(' or ');
}

export const statusMatches = (expected: readonly number[], status: number): boolean =>
  expected.length === 0 ? status >= 200 && status < 300 : expected.includes(status);

/** Redacts first, then cuts to at most `DEFAULTS.excerptBytes` UTF-8 bytes without splitting a character. */
export function excerpt(redactor: Redactor, body: string): string {
  const text = redactor.text(body);
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= DEFAULTS.excerptBytes) return text;
  let end = DEFAULTS.excerptBytes;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** Sends `request` (built from `step`; `path` is the resolved path relative to the base URL). */
export async function sendStep(
  ctx: StepContext,
  step: Step,
  request: HttpRequest,
  path: string,
): Promise<SentStep> {
  const { redactor } = ctx;
  const started = ctx.clock.now().getTime();
  const base = {
    id: step.id,
    phase: step.phase,
    line: step.line,
    method: step.method,
    url: redactor.text(request.url),
    expected: step.expect,
    token: step.token,
  };
  const attempt = async (): Promise<HttpResponse | HttpFault> => {
    try {
      return await ctx.http.send(request, ctx.signal);
    } catch (err) {
      if (err instanceof HttpFault) return err;
      throw err;
    }
  };
  const match = (r: HttpResponse): ConditionRule | undefined =>
    classify(ctx.rules, {
      method: step.method,
      pathTemplate: step.path,
      path,
      status: r.status,
      body: r.body,
    });

  let response = await attempt();
  let condition: ConditionMatch | undefined;
  let evidence: Evidence | undefined;
  if (!(response instanceof HttpFault)) {
    const first = match(response);
    if (first) {
      // Safe to re-send: the API rejected the first request. Only a second match confirms.
      // Aborted (the run's deadline): the re-probe below is aborted too, and the doc ends as error.
      await ctx.clock.sleep(REPROBE_DELAY_MS, ctx.signal).catch(() => {});
      const again = await attempt();
      if (!(again instanceof HttpFault)) {
        response = again;
        const second = match(again);
        condition = { condition: first.condition, rule: first.name, confirmed: second !== undefined };
      } else {
        condition = { condition: first.condition, rule: first.name, confirmed: false };
      }
    }
  }
  const durationMs = ctx.clock.now().getTime() - started;

  if (response instanceof HttpFault) {
    const error = redactor.text(`${response.kind}: ${response.message}`);
    return {
      result: { ...base, outcome: 'error', durationMs, error, fault: response.kind },
      extracted: {},
      ok2xx: false,
    };
  }
  // A step that passes keeps no body: reports explain only what did not pass, and history items
  // (a DynamoDB write per doc per run) stay small. Redaction and the cut happen only for the others.
  const withResponse = { ...base, status: response.status, durationMs };
  const failed = () => ({ ...withResponse, bodyExcerpt: excerpt(redactor, response.body) });
  if (condition?.confirmed) {
    const bodyExcerpt = excerpt(redactor, response.body);
    evidence = {
      doc: ctx.docId,
      stepId: step.id,
      endpoint: `${step.method} ${step.path}`,
      status: response.status,
      body: bodyExcerpt,
      at: ctx.clock.now().toISOString(),
      rule: condition.rule,
    };
    const error = `business condition ${condition.condition} (rule ${condition.rule}), confirmed by a re-probe: HTTP ${response.status}`;
    return {
      result: { ...withResponse, bodyExcerpt, outcome: 'fail', error, condition },
      extracted: {},
      evidence,
      ok2xx: false,
    };
  }
  const cond = condition ? { condition } : {};
  const ok2xx = response.status >= 200 && response.status < 300;
  if (response.status === 429 && !statusMatches(step.expect, 429)) {
    // FORMAT.md §8: still 429 after the retries allowed is not the endpoint failing, it is `error`.
    const error = `rate limited (429 after ${response.retries429 ?? 0} retries)`;
    return { result: { ...failed(), outcome: 'error', error, ...cond }, extracted: {}, ok2xx };
  }
  if (!statusMatches(step.expect, response.status)) {
    const error = `expected ${describeExpected(step.expect)}, got ${response.status}`;
    return { result: { ...failed(), outcome: 'fail', error, ...cond }, extracted: {}, ok2xx };
  }
  const ex = extractAll(step.extract, response.body);
  if (!ex.ok) {
    return {
      result: {
        ...failed(),
        outcome: 'fail',
        error: redactor.text(
          response.truncated ? `${ex.error} (the response body was cut at the size cap)` : ex.error,
        ),
        ...cond,
      },
      extracted: {},
      ok2xx,
    };
  }
  return { result: { ...withResponse, outcome: 'pass', ...cond }, extracted: ex.values, ok2xx, response };
}
