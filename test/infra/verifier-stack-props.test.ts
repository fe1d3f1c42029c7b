// Stack props change the template as documented; cdk-nag catches a non-compliant addition.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { schedulePeriodMinutes } from '../../lib/constructs/verifier-function.js';
import { synthStack } from './synth.js';

let template: Template;
beforeAll(() => {
  template = synthStack(
    {
      targets: [
        {
          name: 'default',
          baseUrl: 'https://api.example.com/apigw',
          schedule: 'cron(0 8 * * ? *)',
          timeZone: 'Europe/Paris',
          schedulePeriodMinutes: 1440,
          rps: 50,
          concurrency: 10,
        },
      ],
      alertRoutes: [{ email: 'ops@example.com' }, { url: 'https://hooks.example.com/verifier' }],
      retentionDays: 7,
      allowDelete: true,
      scheduleEnabled: true,
      conditionRules: [
        {
          name: 'suspended',
          condition: 'spam_flagged',
          endpoints: ['POST /v3/campaigns/{uid}/send'],
          status: 403,
          body: { equals: { code: 'account_suspended' } },
        },
      ],
      verifierTimeout: Duration.minutes(5),
    },
    { cfnValidation: false },
  ).template();
});

describe('stack props', () => {
  it('schedule: cron with a time zone, enabled when asked', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 * * ? *)',
      State: 'ENABLED',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
  });

  it('missing-run alarm waits twice the period (capped at one day)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RunsCompleted', Period: 86_400 });
  });

  it('subscribers: email and https', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/verifier',
    });
  });

  it('verifier settings reach its environment; the stop margin fits a short timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          RETENTION_DAYS: '7',
          RPS: '50',
          CONCURRENCY: '10',
          ALLOW_DELETE: 'true',
          STOP_MARGIN_MS: '60000',
          CONDITION_RULES_KEY: 'config/condition-rules.json',
        }),
      },
    });
  });

  it('condition rules go to the bucket, not into the environment (4 KB limit), and the verifier may read them', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(JSON.stringify(fns)).not.toContain('CONDITION_RULES"');
    expect(JSON.stringify(fns)).not.toContain('account_suspended');
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'config/',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }), '/config/condition-rules.json'],
                ],
              },
            ]),
          }),
        ]),
      },
    });
  });

  it('derives the period from rate() and explains how to fix a cron without one', () => {
    expect(schedulePeriodMinutes({ expression: 'rate(15 minutes)' })).toBe(15);
    expect(schedulePeriodMinutes({ expression: 'rate(2 hours)' })).toBe(120);
    expect(() => schedulePeriodMinutes({ expression: 'cron(0 8 * * ? *)' })).toThrow(
      /schedule "cron\(0 8 \* \* \? \*\)": cannot derive the period between runs; set schedule.periodMinutes/,
    );
  });

  it('deploys a docs folder without test files (no test-files deployment)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docs-'));
    writeFileSync(path.join(dir, 'a.md'), '# a');
    const t = synthStack({ docsPath: dir }, { cfnValidation: false }).template();
    t.resourceCountIs('Custom::CDKBucketDeployment', 1);
    t.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'docs/' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a non-https alert URL, saying why', () => {
    expect(() =>
      synthStack({ alertRoutes: [{ url: 'http://insecure.example.com' }] }, { cfnValidation: false }),
    ).toThrow(/alertRoutes: "http:\/\/insecure.example.com" is not an https:\/\/ URL/);
  });
});

describe('cdk-nag', () => {
  it('fails the synth on an unacknowledged finding, naming the rule', () => {
    const { template: build } = synthStack(
      {},
      { nag: true, cfnValidation: false, extend: (stack) => new Queue(stack, 'Plain') },
    );
    let message = '';
    try {
      build();
    } catch (e) {
      message = (e as Error).message;
    }
    // The report lists each violating construct path with the rule to acknowledge.
    expect(message).toContain('AwsSolutions-SQS3');
    const paths = [...message.matchAll(/^\s+(Verifier\/\S+)/gm)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    // Only the added queue violates: the stack itself is clean.
    expect(paths.every((p) => p === 'Verifier/Plain/Resource')).toBe(true);
  });
});
