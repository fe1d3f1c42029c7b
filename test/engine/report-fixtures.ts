// Hand-built DocResult / RunEvent fixtures for the report and console tests.
import type { Alert, DocResult, RunResult } from '../../lambda/engine/model.js';
import type { RunEvent } from '../../lambda/engine/ports.js';
import { summarize } from '../../lambda/engine/report/summary.js';

export const RUN_ID = 'run-2026-01-01';
export const STARTED = '2026-01-01T10:00:00.000Z';
export const FINISHED = '2026-01-01T10:00:05.000Z';

export const passed: DocResult = {
  doc: 'communication/get_messages.md',
  endpoint: 'GET /platform/v1/messages',
  domain: 'communication',
  outcome: 'pass',
  durationMs: 120,
  startedAt: STARTED,
  steps: [
    {
      id: 'list_messages',
      phase: 'test',
      line: 31,
      method: 'GET',
      url: 'http://127.0.0.1:4010/platform/v1/messages',
      status: 200,
      expected: [200],
      outcome: 'pass',
      durationMs: 120,
    },
  ],
};

export const failed: DocResult = {
  doc: 'communication/post_platform_v1_messages.md',
  endpoint: 'POST /platform/v1/messages',
  domain: 'communication',
  outcome: 'fail',
  reason: 'step "create_message" (line 52): expected 201, got 500',
  durationMs: 340,
  startedAt: STARTED,
  steps: [
    {
      id: 'get_client',
      phase: 'prerequisite',
      line: 30,
      method: 'GET',
      url: 'http://127.0.0.1:4010/platform/v1/clients?per_page=1',
      status: 200,
      expected: [200],
      outcome: 'pass',
      durationMs: 40,
    },
    {
      id: 'create_message',
      phase: 'test',
      line: 52,
      method: 'POST',
      url: 'http://127.0.0.1:4010/platform/v1/messages',
      status: 500,
      expected: [201],
      outcome: 'fail',
      durationMs: 300,
      error: 'expected 201, got 500',
      bodyExcerpt: '{"error":"<boom> & \'quotes\' \u0001 \u{1F600}"}',
    },
  ],
};

export const errored: DocResult = {
  doc: 'billing/get_invoices.md',
  endpoint: 'GET /platform/v1/invoices',
  domain: 'billing',
  outcome: 'error',
  reason: 'step "list" (line 20): timeout after 30000 ms',
  durationMs: 30_001,
  startedAt: STARTED,
  steps: [
    {
      id: 'list',
      phase: 'test',
      line: 20,
      method: 'GET',
      url: 'http://127.0.0.1:4010/platform/v1/invoices',
      expected: [],
      outcome: 'error',
      durationMs: 30_001,
      error: 'timeout after 30000 ms',
    },
  ],
};

export const blocked: DocResult = {
  doc: 'communication/send_sms.md',
  domain: 'communication',
  outcome: 'blocked',
  reason: 'business biz-1 is spam_flagged',
  durationMs: 80,
  startedAt: STARTED,
  steps: [
    {
      id: 'send',
      phase: 'test',
      line: 12,
      method: 'POST',
      url: 'http://127.0.0.1:4010/platform/v1/messages',
      status: 422,
      expected: [201],
      outcome: 'fail',
      durationMs: 80,
      bodyExcerpt: '{"status":"Error","data":{}}',
      condition: { condition: 'spam_flagged', rule: 'spam-422-empty-data', confirmed: true },
    },
  ],
};

export const invalid: DocResult = {
  doc: 'crm/broken.md',
  domain: 'crm',
  outcome: 'invalid',
  reason: 'unresolved variable {{staff_idd}}',
  durationMs: 0,
  startedAt: STARTED,
  steps: [],
  findings: [
    {
      doc: 'crm/broken.md',
      line: 14,
      severity: 'error',
      code: 'unresolved-variable',
      message: 'step "get": unknown variable {{staff_idd}}',
    },
  ],
};

export const skipped: DocResult = {
  doc: 'crm/delete_client.md',
  domain: 'crm',
  outcome: 'skip',
  reason: 'deletes disabled',
  durationMs: 0,
  startedAt: STARTED,
  steps: [],
};

export const ALL: readonly DocResult[] = [passed, failed, errored, blocked, invalid, skipped];

export const alert: Alert = {
  type: 'business.spam_flagged',
  businessId: 'biz-1',
  since: STARTED,
  evidence: {
    doc: blocked.doc,
    stepId: 'send',
    endpoint: 'POST /platform/v1/messages',
    status: 422,
    body: '{"status":"Error","data":{}}',
    at: STARTED,
    rule: 'spam-422-empty-data',
  },
  affectedDocs: [blocked.doc],
  remedy: 'Create a fresh business and update the target params.',
  runId: RUN_ID,
  idempotencyKey: 'biz-1#1',
};

export function runResult(results: readonly DocResult[] = ALL): RunResult {
  return {
    runId: RUN_ID,
    startedAt: STARTED,
    finishedAt: FINISHED,
    summary: summarize(results),
    businesses: [{ businessId: 'biz-1', condition: 'spam_flagged', since: STARTED }],
  };
}

/** The events of a whole run over `results`, in order. */
export function runEvents(results: readonly DocResult[] = ALL, extra: readonly RunEvent[] = []): RunEvent[] {
  return [
    { type: 'run-started', runId: RUN_ID, total: results.length, at: STARTED },
    ...results.flatMap((result): RunEvent[] => [
      { type: 'doc-started', doc: result.doc },
      { type: 'doc-finished', result },
    ]),
    ...extra,
    { type: 'run-finished', result: runResult(results) },
  ];
}
