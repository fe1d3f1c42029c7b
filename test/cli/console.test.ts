import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsoleRenderer } from '../../cli/console.js';
import { printable } from '../../cli/console-summary.js';
import type { DocResult } from '../../lambda/engine/model.js';
import type { RunEvent } from '../../lambda/engine/ports.js';
import { ALL, alert, failed, passed, RUN_ID, runEvents, STARTED } from '../engine/report-fixtures.js';

function capture(opts: { isTTY: boolean; color?: boolean; now?: () => number; tickMs?: number }) {
  let text = '';
  const renderer = createConsoleRenderer({
    stream: {
      write: (s: string) => {
        text += s;
        return true;
      },
    },
    ...opts,
  });
  return { renderer, output: () => text };
}

const PLAIN = `verifier: run run-2026-01-01, 6 docs
PASS    communication/get_messages.md (120 ms)
FAIL    communication/post_platform_v1_messages.md (340 ms): step "create_message" (line 52): expected 201, got 500
ERROR   billing/get_invoices.md (30.0 s): step "list" (line 20): timeout after 30000 ms
BLOCKED communication/send_sms.md (80 ms): business biz-1 is spam_flagged
INVALID crm/broken.md (0 ms): unresolved variable {{staff_idd}}
SKIP    crm/delete_client.md (0 ms): deletes disabled
warning: alert delivery failed: 500

Summary by domain
domain         total  pass  fail  error  blocked  invalid  skip
billing            1     0     0      1        0        0     0
communication      3     1     1      0        1        0     0
crm                2     0     0      0        0        1     1
all                6     1     1      1        1        1     1

Problems (4)
FAIL communication/post_platform_v1_messages.md  POST /platform/v1/messages
  reason: step "create_message" (line 52): expected 201, got 500
  step: "create_message" (test, line 52) POST http://127.0.0.1:4010/platform/v1/messages
  expected: 201
  actual: 500
  error: expected 201, got 500
  body: {"error":"<boom> & 'quotes' \\x01 \u{1F600}"}
ERROR billing/get_invoices.md  GET /platform/v1/invoices
  reason: step "list" (line 20): timeout after 30000 ms
  step: "list" (test, line 20) GET http://127.0.0.1:4010/platform/v1/invoices
  expected: any 2xx
  actual: no response
  error: timeout after 30000 ms
BLOCKED communication/send_sms.md
  reason: business biz-1 is spam_flagged
  step: "send" (test, line 12) POST http://127.0.0.1:4010/platform/v1/messages
  expected: 201
  actual: 422
  condition: spam_flagged (rule spam-422-empty-data)
  body: {"status":"Error","data":{}}
INVALID crm/broken.md
  reason: unresolved variable {{staff_idd}}
  crm/broken.md:14: error: step "get": unknown variable {{staff_idd}}

Alerts (1)
ALERT business biz-1 is spam-flagged (since 2026-01-01T10:00:00.000Z)
  evidence: POST /platform/v1/messages answered 422 at 2026-01-01T10:00:00.000Z (doc communication/send_sms.md, step "send", rule spam-422-empty-data)
  body: {"status":"Error","data":{}}
  affected docs: communication/send_sms.md
  remedy: Create a fresh business and update the target params.

run run-2026-01-01 finished in 5.0 s: 1 pass, 1 fail, 1 error, 1 blocked, 1 invalid, 1 skip
`;

describe('console renderer, plain (not a terminal)', () => {
  it('prints one line per doc, then the summary by domain, problems and alerts, exactly', () => {
    const { renderer, output } = capture({ isTTY: false });
    const extra: RunEvent[] = [
      { type: 'warning', message: 'alert delivery failed: 500' },
      { type: 'alert', alert },
    ];
    for (const e of runEvents(ALL, extra)) renderer.onEvent(e);
    renderer.close();
    expect(output()).toBe(PLAIN);
  });

  it('writes no escape sequences unless colour is asked for', () => {
    const plain = capture({ isTTY: false });
    for (const e of runEvents()) plain.renderer.onEvent(e);
    expect(plain.output()).not.toContain('\x1b');
    const coloured = capture({ isTTY: false, color: true });
    for (const e of runEvents()) coloured.renderer.onEvent(e);
    expect(coloured.output()).toContain('\x1b[31mFAIL   \x1b[0m communication/post_platform_v1_messages.md');
    expect(coloured.output()).toContain('\x1b[32mPASS   \x1b[0m communication/get_messages.md');
  });

  it('defuses terminal escape sequences in response bodies and messages', () => {
    const hostile: DocResult = {
      ...failed,
      steps: [{ ...failed.steps[1], bodyExcerpt: '\x1b]0;owned\x07\x1b[2Jhi' } as never],
    };
    const { renderer, output } = capture({ isTTY: false });
    for (const e of runEvents([hostile], [{ type: 'warning', message: 'bad \x1b[31m' }])) renderer.onEvent(e);
    expect(output()).not.toContain('\x1b');
    expect(output()).toContain('body: \\x1b]0;owned\\x07\\x1b[2Jhi');
    expect(output()).toContain('warning: bad \\x1b[31m');
    expect(printable('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('cuts a long body to at most 1 KB', () => {
    const long: DocResult = {
      ...failed,
      steps: [{ ...failed.steps[1], bodyExcerpt: 'z'.repeat(5000) } as never],
    };
    const { renderer, output } = capture({ isTTY: false });
    for (const e of runEvents([long])) renderer.onEvent(e);
    const body = output()
      .split('\n')
      .find((l) => l.startsWith('  body: '));
    expect(body).toBe(`  body: ${'z'.repeat(1021)}…`);
  });

  it('summarises what it saw when the run never finished', () => {
    const { renderer, output } = capture({ isTTY: false });
    for (const e of runEvents().slice(0, 5)) renderer.onEvent(e);
    renderer.close();
    renderer.close();
    expect(output()).toContain('Problems (1)\nFAIL communication/post_platform_v1_messages.md');
    expect(output().trimEnd().split('\n').at(-1)).toBe(
      `run ${RUN_ID} did not finish (2 of 6 docs done): 1 pass, 1 fail, 0 error, 0 blocked, 0 invalid, 0 skip`,
    );
  });

  it('prints nothing on close when no run started', () => {
    const { renderer, output } = capture({ isTTY: false });
    renderer.close();
    expect(output()).toBe('');
  });
});

describe('console renderer, terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rewrites one progress line in place, with counts, elapsed and ETA', () => {
    let t = 0;
    const { renderer, output } = capture({ isTTY: true, color: false, now: () => t, tickMs: 0 });
    renderer.onEvent({ type: 'run-started', runId: RUN_ID, total: 4, at: STARTED });
    t = 2_000;
    renderer.onEvent({ type: 'doc-finished', result: passed });
    expect(output()).toBe(
      `verifier: run ${RUN_ID}, 4 docs\n` +
        '\r\x1b[2K[0/4] 0 pass · 0 fail · 0 other · 0:00 elapsed · ETA --' +
        '\r\x1b[2K[1/4] 1 pass · 0 fail · 0 other · 0:02 elapsed · ETA 0:06',
    );
  });

  it('prints problem docs above the progress line and ends with the summary, no progress left', () => {
    let t = 0;
    const { renderer, output } = capture({ isTTY: true, color: false, now: () => t, tickMs: 0 });
    const events = runEvents([passed, failed]);
    for (const e of events) {
      t += 1_000;
      renderer.onEvent(e);
    }
    const text = output();
    expect(text).toContain(
      '\r\x1b[2KFAIL    communication/post_platform_v1_messages.md (340 ms): step "create_message" (line 52): expected 201, got 500\n' +
        '\r\x1b[2K[2/2] 1 pass · 1 fail · 0 other · 0:04 elapsed · ETA --',
    );
    // passes only move the counter; they are not listed on a terminal
    expect(text).not.toContain('PASS ');
    const tail = text.slice(text.lastIndexOf('\r\x1b[2K') + '\r\x1b[2K'.length);
    expect(tail.startsWith('\nSummary by domain\n')).toBe(true);
    expect(tail).toContain('communication      2     1     1');
    expect(tail.trimEnd().endsWith('1 pass, 1 fail, 0 error, 0 blocked, 0 invalid, 0 skip')).toBe(true);
  });

  it('refreshes elapsed time between events and stops refreshing once closed', () => {
    vi.useFakeTimers();
    let t = 0;
    const { renderer, output } = capture({ isTTY: true, color: false, now: () => t, tickMs: 1000 });
    renderer.onEvent({ type: 'run-started', runId: RUN_ID, total: 2, at: STARTED });
    t = 65_000;
    vi.advanceTimersByTime(1000);
    expect(output().endsWith('[0/2] 0 pass · 0 fail · 0 other · 1:05 elapsed · ETA --')).toBe(true);
    renderer.close();
    const after = output();
    vi.advanceTimersByTime(5000);
    expect(output()).toBe(after);
  });
});
