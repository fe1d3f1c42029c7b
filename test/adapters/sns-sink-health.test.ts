// Health alerts through the SNS sink, against the recording SNS stub: message attributes `type`,
// `severity` and `domain` (a String.Array) so subscriptions can filter, and the plain-text rendering.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnsAlertSink } from '../../lambda/adapters/sns/sns-sink.js';
import type { ConditionAlert, DocFailingAlert } from '../../lambda/engine/health/types.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';

const failing: DocFailingAlert = {
  type: 'doc.failing',
  runId: 'run-7',
  at: '2026-01-01T03:00:00.000Z',
  severity: 'critical',
  domains: ['billing', 'clients'],
  idempotencyKey: 'doc.failing#0123456789abcdef',
  docs: [
    {
      doc: 'billing/get_invoices.md',
      endpoint: 'GET /platform/v1/invoices',
      domain: 'billing',
      outcome: 'fail',
      since: '2026-01-01T02:00:00.000Z',
      failures: 2,
      step: {
        id: 'list',
        method: 'GET',
        url: 'https://h/apigw/platform/v1/invoices',
        expected: [200],
        actual: 500,
      },
      reason: 'billing/get_invoices.md:20: step "list": expected 200, got 500',
      bodyExcerpt: '{"error":"internal"}',
    },
    {
      doc: 'clients/get_clients.md',
      endpoint: 'GET /platform/v1/clients',
      domain: 'clients',
      outcome: 'error',
      since: '2026-01-01T02:00:00.000Z',
      failures: 2,
      step: { id: 'list', method: 'GET', expected: [200], actual: 'timeout' },
    },
  ],
};

const down: ConditionAlert = {
  type: 'target.down',
  runId: 'run-7',
  at: '2026-01-01T03:00:00.000Z',
  severity: 'critical',
  domains: [],
  idempotencyKey: 'health-condition#target.down#target#1',
  condition: 'target.down',
  rule: 'target-down',
  subject: 'target',
  since: '2026-01-01T03:00:00.000Z',
};

let sns: SnsStub;
beforeAll(async () => {
  sns = await startSnsStub();
});
afterAll(() => sns.close());
beforeEach(() => {
  sns.published.length = 0;
});

describe('SNS sink, health alerts', () => {
  it('sets type, severity and domain (String.Array) and leads the email with what broke', async () => {
    await createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }).publish(failing);
    const p = sns.published[0];
    expect(p?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'doc.failing' },
      severity: { DataType: 'String', StringValue: 'critical' },
      domain: { DataType: 'String.Array', StringValue: '["billing","clients"]' },
    });
    expect(p?.Subject).toBe('[verifier] 2 endpoints failing (billing, clients)');
    const message = JSON.parse(p?.Message ?? '') as { default: string; email: string };
    expect(JSON.parse(message.default)).toEqual(failing);
    const lines = message.email.split('\n');
    expect(lines[0]).toBe('2 documented endpoint(s) started failing (run run-7, 2026-01-01T03:00:00.000Z):');
    expect(message.email).toContain(
      '- GET /platform/v1/invoices: fail, 2 run(s) in a row since 2026-01-01T02:00:00.000Z',
    );
    expect(message.email).toContain("see it: verifier run --doc 'billing/get_invoices.md'");
    expect(message.email).toContain('(expected 200, got timeout)');
  });

  it('omits an empty domain array (SNS rejects one) and keeps type and severity', async () => {
    await createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }).publish(down);
    expect(sns.published[0]?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'target.down' },
      severity: { DataType: 'String', StringValue: 'critical' },
    });
    expect(sns.published[0]?.Subject).toBe('[verifier] target down: target');
  });
});
