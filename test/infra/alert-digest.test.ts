// The optional daily digest: the `digest` prop adds one function and one schedule; without it there
// is neither. The function may publish to the alert topic and query the state table, nothing more.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../lib/settings.js';
import { findId, roleActions, synthStack } from './synth.js';

describe('digest prop', () => {
  it('schedules the digest function on the given cron and wires it to the topic and the state table', () => {
    const { template: t } = synthStack(
      { digest: { schedule: 'cron(0 8 * * ? *)', timeZone: 'Europe/Paris' } },
      { nag: true },
    );
    const template = t();
    const fnId = findId(template, 'AWS::Lambda::Function', (p) =>
      String(p.Description).startsWith('Publishes the health digest'),
    );
    const fn = template.toJSON().Resources[fnId].Properties;
    const topicId = findId(template, 'AWS::SNS::Topic', () => true);
    const tableId = findId(template, 'AWS::DynamoDB::Table', (p) => p.StreamSpecification !== undefined);
    expect(fn.Environment.Variables).toMatchObject({
      TOPIC_ARN: { Ref: topicId },
      STATE_TABLE_NAME: { Ref: tableId },
      POWERTOOLS_SERVICE_NAME: 'verifier-digest',
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Description: 'Daily health digest to the alert topic',
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
    expect(roleActions(template, fnId).actions).toEqual(['dynamodb:Query', 'sns:Publish']);
    // A digest that fails is not silent: its errors raise an alarm on the alert topic.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('digest Lambda failed'),
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('no prop, no digest function, no digest schedule and no digest alarm', () => {
    const template = synthStack({}, { cfnValidation: false }).template();
    expect(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((r) =>
        String(r.Properties.AlarmDescription).includes('digest Lambda failed'),
      ),
    ).toEqual([]);
    expect(
      Object.values(template.findResources('AWS::Lambda::Function')).filter((r) =>
        String(r.Properties.Description).startsWith('Publishes the health digest'),
      ),
    ).toEqual([]);
    expect(
      Object.values(template.findResources('AWS::Scheduler::Schedule')).filter(
        (r) => r.Properties.Description === 'Daily health digest to the alert topic',
      ),
    ).toEqual([]);
  });

  it('-c digestSchedule sets the prop; a malformed one names the setting', () => {
    const base = { baseUrl: 'https://api.example.com/apigw', rps: '10', concurrency: '3' };
    const s = readSettings((k) => ({ ...base, digestSchedule: 'cron(0 8 * * ? *)' })[k as 'rps']);
    expect(s.digest).toEqual({ schedule: 'cron(0 8 * * ? *)' });
    try {
      readSettings((k) => ({ ...base, digestSchedule: 'every day' })[k as 'rps']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      expect((e as SettingsError).problems.join('\n')).toMatch(
        /digestSchedule.*expected cron\(\.\.\.\) or rate/,
      );
    }
  });
});
