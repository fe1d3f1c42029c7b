// Two targets in one stack, with every optional feature on: each target owns its secret, schedule,
// run lock, state partition, metric dimensions, state machine, alarms and status prefix, and the
// whole stack passes cdk-nag (AwsSolutions) and CloudFormation schema validation.
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TargetSettings } from '../../lib/constructs/verifier-target.js';
import { VerifierStack } from '../../lib/verifier-stack.js';
import { roleActions, STAGING, synthStack } from './synth.js';

const TARGETS: TargetSettings[] = [
  STAGING,
  {
    name: 'prod',
    baseUrl: 'https://api.example.com/apigw',
    fallbackUrl: 'https://api.example.com/api2',
    schedule: 'rate(1 hour)',
    rps: 20,
    concurrency: 8,
    failAfter: 2,
    recoverAfter: 3,
    authMatrix: { schedule: 'rate(1 day)', mode: 'all' },
    openapi: { refMap: { 'https://hub.example.test/entities/': 'entities/' } },
  },
];
const SPECS = path.join(import.meta.dirname, '../fixtures/openapi');

let template: Template;
type Resource = { Properties: Record<string, unknown> };
const verifiers = () =>
  Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
    ([, r]) => String(r.Properties.Description).startsWith('Runs the workflow docs'),
  );
const env = (r: Resource) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

beforeAll(() => {
  template = synthStack(
    {
      targets: TARGETS,
      publicStatusPage: true,
      specsPath: SPECS,
      alertRoutes: [{ email: 'ops@example.com', types: ['business_flagged'], domains: ['communication'] }],
      conditionRules: [
        {
          name: 'suspended',
          condition: 'spam_flagged',
          endpoints: ['POST /v3/campaigns/{uid}/send'],
          status: 403,
          body: { equals: { code: 'account_suspended' } },
        },
      ],
    },
    { nag: true },
  ).template();
  // cdk-nag and the CloudFormation schema validation take a minute on a loaded 2-core machine.
}, 180_000);

describe('two targets in one stack', () => {
  it('each has its own function, named lock, partition, dimensions, status prefix and rate settings', () => {
    const byTarget = Object.fromEntries(
      verifiers().map(([id, r]) => [env(r).TARGET_NAME, { id, env: env(r) }]),
    );
    expect(Object.keys(byTarget).sort()).toEqual(['prod', 'staging']);
    expect(byTarget.prod?.env).toMatchObject({
      TARGET_BASE_URL: 'https://api.example.com/apigw',
      TARGET_FALLBACK_URL: 'https://api.example.com/api2',
      LOCK_NAME: 'verifier-run-prod',
      STATUS_PREFIX: 'status/prod/',
      METRICS_STACK: 'Verifier',
      RPS: '20',
      CONCURRENCY: '8',
      FAIL_AFTER: '2',
      RECOVER_AFTER: '3',
    });
    expect(byTarget.staging?.env).toMatchObject({
      LOCK_NAME: 'verifier-run-staging',
      STATUS_PREFIX: 'status/staging/',
    });
    expect(byTarget.staging?.env.TARGET_SECRET_ID).not.toEqual(byTarget.prod?.env.TARGET_SECRET_ID);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'Verifier-prod-fanout',
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'Verifier-staging-fanout',
    });
  });

  it('each has its schedules; the auth matrix runs on its own schedule', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 3);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: Match.objectLike({
        Input: JSON.stringify({ trigger: 'schedule', mode: 'auth-matrix', authMatrix: 'all' }),
      }),
    });
    // The run schedules carry no mode, and no function has AUTH_MATRIX on: the matrix runs only daily.
    for (const rate of ['rate(15 minutes)', 'rate(1 hour)'])
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: rate,
        Target: Match.objectLike({ Input: JSON.stringify({ trigger: 'schedule' }) }),
      });
    for (const [, r] of verifiers()) expect(env(r).AUTH_MATRIX).toBeUndefined();
  });

  it('a target with openapi reads its specs from the bucket: env, list and get under specs/, the specs deployed there', () => {
    const byTarget = Object.fromEntries(
      verifiers().map(([id, r]) => [env(r).TARGET_NAME, { id, env: env(r) }]),
    );
    expect(byTarget.prod?.env).toMatchObject({
      OPENAPI_PREFIX: 'specs/',
      OPENAPI_REF_MAP: JSON.stringify({ 'https://hub.example.test/entities/': 'entities/' }),
    });
    expect(byTarget.prod?.env.OPENAPI_STRICT).toBeUndefined();
    expect(byTarget.staging?.env.OPENAPI_PREFIX).toBeUndefined();
    const statements = (id: string) => JSON.stringify(roleActions(template, id).statements);
    const prod = statements(byTarget.prod?.id ?? '');
    expect(prod).toContain('"s3:prefix":["docs/*","specs/*"]');
    expect(prod).toMatch(/"\/specs\/\*"/);
    const staging = statements(byTarget.staging?.id ?? '');
    expect(staging).not.toContain('specs/');
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'specs/' });
  });

  it('alarms are per target, on metrics dimensioned by stack and target', () => {
    for (const target of ['staging', 'prod']) {
      for (const metricName of ['RunsCompleted', 'BusinessesFlagged', 'OpenIncidents', 'CapacityShortfall']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'Verifier',
          MetricName: metricName,
          Dimensions: [
            { Name: 'service', Value: 'verifier' },
            { Name: 'stack', Value: 'Verifier' },
            { Name: 'target', Value: target },
          ],
        });
      }
    }
    // prod checks response contracts: its specs failing to load raise an alarm; staging has none.
    const specsAlarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'SpecsLoadErrors' },
      }) as Record<string, Resource>,
    );
    expect(specsAlarms.map((a) => (a.Properties.Dimensions as { Value: string }[])[2]?.Value)).toEqual([
      'prod',
    ]);
    expect(specsAlarms[0]?.Properties).toMatchObject({
      Namespace: 'Verifier',
      Statistic: 'Sum',
      Threshold: 1,
    });
    expect(String(specsAlarms[0]?.Properties.AlarmDescription)).toMatch(/specs .* could not be loaded/);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * 7 + 1 + 2);
  });

  it('the API may start either target and knows them by name', () => {
    const api = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    ).find((r) => String(r.Properties.Description).startsWith('Verifier REST API')) as Resource;
    const map = JSON.stringify(env(api).VERIFIER_FUNCTIONS);
    expect(map).toContain('staging');
    expect(map).toContain('prod');
    // GET /status?target=NAME: each target's page prefix, in target order (the first is the default).
    expect(JSON.parse(String(env(api).STATUS_PREFIXES))).toEqual({
      staging: 'status/staging/',
      prod: 'status/prod/',
    });
  });
});

describe('two stacks in one account and region', () => {
  it('share no metric: the stack is a dimension of every runtime metric alarm', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const env = { account: '123456789012', region: 'eu-west-1' };
    const stacks = ['VerifierA', 'VerifierB'].map(
      (id) => new VerifierStack(app, id, { env, targets: [TARGETS[0] as TargetSettings] }),
    );
    const dims = stacks.map((s) =>
      Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>)
        .filter((a) => a.Properties.MetricName === 'RunsCompleted')
        .map((a) => JSON.stringify(a.Properties.Dimensions)),
    );
    expect(dims[0]).toHaveLength(1);
    expect(dims[0]?.[0]).toContain('"VerifierA"');
    expect(dims[1]?.[0]).toContain('"VerifierB"');
    const names = stacks.map((s) =>
      JSON.stringify(Template.fromStack(s).findResources('AWS::StepFunctions::StateMachine')),
    );
    expect(names[0]).toContain('VerifierA-staging-fanout');
    expect(names[1]).toContain('VerifierB-staging-fanout');
  });
});
