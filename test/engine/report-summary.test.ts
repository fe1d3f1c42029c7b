import { describe, expect, it } from 'vitest';
import type { DocResult } from '../../lambda/engine/model.js';
import {
  EXCERPT_BYTES,
  excerpt,
  failingStep,
  failureDetail,
  failureMessage,
  isProblem,
  summarize,
  summarizeByDomain,
} from '../../lambda/engine/report/summary.js';
import { ALL, blocked, errored, failed, invalid, passed, skipped } from './report-fixtures.js';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('report summary helpers', () => {
  it('counts outcomes, overall and by domain (domains sorted)', () => {
    expect(summarize(ALL)).toEqual({ total: 6, pass: 1, fail: 1, error: 1, blocked: 1, invalid: 1, skip: 1 });
    const byDomain = summarizeByDomain(ALL);
    expect([...byDomain.keys()]).toEqual(['billing', 'communication', 'crm']);
    expect(byDomain.get('communication')).toEqual({
      total: 3,
      pass: 1,
      fail: 1,
      error: 0,
      blocked: 1,
      invalid: 0,
      skip: 0,
    });
  });

  it('treats fail, error, blocked and invalid as problems, pass and skip not', () => {
    expect(ALL.filter((r) => isProblem(r.outcome)).map((r) => r.outcome)).toEqual([
      'fail',
      'error',
      'blocked',
      'invalid',
    ]);
  });

  it('finds the step that decided the outcome', () => {
    expect(failingStep(failed)?.id).toBe('create_message');
    expect(failingStep(errored)?.id).toBe('list');
    expect(failingStep(blocked)?.id).toBe('send');
    expect(failingStep(passed)).toBeUndefined();
    const warnedThenErrored: DocResult = {
      ...errored,
      steps: [{ ...failed.steps[1], id: 'warned', outcome: 'fail' } as never, ...errored.steps],
    };
    expect(failingStep(warnedThenErrored)?.id).toBe('list');
  });

  it('explains each kind of non-pass in one line', () => {
    expect(failureMessage(failed)).toBe('step "create_message" (line 52): expected 201, got 500');
    expect(failureMessage(errored)).toBe(
      'step "list" (line 20): expected any 2xx, no response: timeout after 30000 ms',
    );
    expect(failureMessage(blocked)).toBe('step "send" (line 12): expected 201, got 422');
    expect(failureMessage(invalid)).toBe('line 14: step "get": unknown variable {{staff_idd}}');
    expect(failureMessage(skipped)).toBe('deletes disabled');
    const extractMiss: DocResult = {
      ...failed,
      steps: [
        { ...passed.steps[0], outcome: 'fail', error: 'extract "id": $.data.id found nothing' } as never,
      ],
    };
    expect(failureMessage(extractMiss)).toBe(
      'step "list_messages" (line 31): extract "id": $.data.id found nothing',
    );
  });

  it('details a failure with the request, expected vs actual and the body', () => {
    expect(failureDetail(blocked)).toEqual([
      'reason: business biz-1 is spam_flagged',
      'step: "send" (test, line 12) POST http://127.0.0.1:4010/platform/v1/messages',
      'expected: 201',
      'actual: 422',
      'condition: spam_flagged (rule spam-422-empty-data)',
      'body: {"status":"Error","data":{}}',
    ]);
    expect(failureDetail(invalid)).toEqual([
      'reason: unresolved variable {{staff_idd}}',
      'crm/broken.md:14: error: step "get": unknown variable {{staff_idd}}',
    ]);
  });

  it("says an invalid doc's reason once when it is its first finding, with or without a note", () => {
    const message = 'frontmatter: Missing closing "quote';
    const broken: DocResult = {
      ...invalid,
      reason: `crm/broken.md:3: ${message}`,
      findings: [{ doc: 'crm/broken.md', line: 3, severity: 'error', code: 'yaml', message }],
    };
    const expected = [`crm/broken.md:3: error: ${message}`];
    expect(failureDetail(broken)).toEqual(expected);
    expect(failureDetail({ ...broken, reason: `${broken.reason} (new)` })).toEqual(expected);
  });

  it('cuts a body excerpt to at most 1 KB without splitting a character', () => {
    expect(excerpt('short')).toBe('short');
    const exact = 'a'.repeat(EXCERPT_BYTES);
    expect(excerpt(exact)).toBe(exact);
    const long = '€'.repeat(2000); // 3 bytes each
    const cut = excerpt(long);
    expect(bytes(cut)).toBeLessThanOrEqual(EXCERPT_BYTES);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.slice(0, -1)).toMatch(/^€+$/);
    expect(bytes(excerpt('x'.repeat(5000)))).toBeLessThanOrEqual(EXCERPT_BYTES);
    const detail = failureDetail({ ...failed, steps: [{ ...failed.steps[1], bodyExcerpt: long } as never] });
    expect(bytes(detail.at(-1) ?? '')).toBeLessThanOrEqual(EXCERPT_BYTES + 'body: '.length);
  });
});
