import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderAlertText } from '../../lambda/adapters/sns/email.js';
import { createSnsAlertSink, SnsAlertError } from '../../lambda/adapters/sns/sns-sink.js';
import { spamAlert } from '../support/alert-fixtures.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:verifier-alerts';
const alert = spamAlert;

let sns: SnsStub;
beforeAll(async () => {
  sns = await startSnsStub();
});
afterAll(() => sns.close());
beforeEach(() => {
  sns.published.length = 0;
  sns.requests.length = 0;
});

describe('createSnsAlertSink', () => {
  it('publishes one message: JSON by default, plain text for email, a short subject, attributes', async () => {
    await createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }).publish(alert);
    expect(sns.published).toHaveLength(1);
    const p = sns.published[0];
    expect(p).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[verifier] Business biz-1 is spam-flagged',
      MessageStructure: 'json',
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'business.spam_flagged' },
        businessId: { DataType: 'String', StringValue: 'biz-1' },
      },
    });
    const message = JSON.parse(p?.Message ?? '') as { default: string; email: string };
    expect(JSON.parse(message.default)).toEqual(alert);
    expect(message.email).toBe(renderAlertText(alert));
    expect(message.email).toContain('POST /platform/v1/messages');
    expect(message.email).toContain('Create a fresh business.');
  });

  it('keeps the subject one line of printable ASCII under 100 characters', async () => {
    const long = { ...alert, businessId: `b\né${'b'.repeat(150)}`, type: 'business.recovered' as const };
    await createSnsAlertSink({ client: sns.client(), topicArn: TOPIC }).publish(long);
    const subject = sns.published[0]?.Subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^\[verifier\] Business b\?\?b+\.\.\.$/);
  });

  it('throws SnsAlertError when SNS fails, unless onError is given', async () => {
    sns.failNext(1);
    const sink = createSnsAlertSink({ client: sns.client(), topicArn: TOPIC });
    await expect(sink.publish(alert)).rejects.toBeInstanceOf(SnsAlertError);
    expect(sns.published).toHaveLength(0);

    sns.failNext(1);
    const errors: string[] = [];
    await createSnsAlertSink({
      client: sns.client(),
      topicArn: TOPIC,
      onError: (m) => errors.push(m),
    }).publish(alert);
    expect(errors).toEqual([expect.stringContaining('SNS publish of business.spam_flagged biz-1#1')]);
  });
});
