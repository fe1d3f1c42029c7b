// Template assertions for the stack with its defaults: specific properties, not a snapshot.
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import type { VerifierStack } from '../../lib/verifier-stack.js';
import { findId, roleActions, synthStack } from './synth.js';

let template: Template;
let stack: VerifierStack;
let ids: {
  verifier: string;
  api: string;
  alert: string;
  table: string;
  idem: string;
  bucket: string;
  topic: string;
};

beforeAll(() => {
  // cdk-nag (AwsSolutions) and aws-cdk-lib's CloudFormation schema validation run in this synth:
  // any unacknowledged finding or invalid property makes it throw.
  const synthed = synthStack({}, { nag: true });
  stack = synthed.stack;
  template = synthed.template();
  const byDescription = (d: string) =>
    findId(template, 'AWS::Lambda::Function', (p) => String(p.Description).startsWith(d));
  ids = {
    verifier: byDescription('Runs the workflow docs'),
    api: byDescription('Verifier REST API'),
    alert: byDescription('Publishes one alert'),
    table: findId(template, 'AWS::DynamoDB::Table', (p) => p.StreamSpecification !== undefined),
    idem: findId(template, 'AWS::DynamoDB::Table', (p) => p.StreamSpecification === undefined),
    bucket: findId(template, 'AWS::S3::Bucket', () => true),
    topic: findId(template, 'AWS::SNS::Topic', () => true),
  };
  // cdk-nag and the CloudFormation schema validation take a minute on a loaded 2-core machine.
}, 180_000);

const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const props = (id: string) =>
  (template.toJSON().Resources[id] as { Properties: Record<string, unknown> }).Properties;

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions finding, and every acknowledgement has a reason', () => {
    // Reaching here means synth with the AwsSolutions plugin succeeded (it throws on a finding).
    const acks = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThanOrEqual(10);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length, id).toBeGreaterThan(40);
    }
  });
});

describe('functions', () => {
  it('run nodejs22.x on arm64, bundled as ESM', () => {
    for (const id of [ids.verifier, ids.api, ids.alert]) {
      expect(props(id)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
    expect(props(ids.verifier)).toMatchObject({ Timeout: 900, MemorySize: 1024 });
  });

  it('the verifier gets its env next to the grants: bucket prefixes, secret, table', () => {
    const env = (props(ids.verifier).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      STATE_TABLE_NAME: { Ref: ids.table },
      DOCS_BUCKET: { Ref: ids.bucket },
      DOCS_PREFIX: 'docs/',
      TEST_FILES_PREFIX: 'test-files/',
      TARGET_SECRET_ID: { Ref: expect.stringMatching(/^VerifierTargetSecret/) },
      TARGET_NAME: 'default',
      METRICS_STACK: 'Verifier',
      LOCK_NAME: 'verifier-run',
      STATUS_PREFIX: 'status/default/',
      MAX_PARALLEL_SHARDS: '8',
      STATE_MACHINE_ARN: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':states:eu-west-1:123456789012:stateMachine:Verifier-default-fanout',
          ],
        ],
      },
      TARGET_BASE_URL: 'https://api.example.com/apigw',
      TARGET_FALLBACK_URL: 'https://api.example.com/api2',
      RETENTION_DAYS: '30',
      STOP_MARGIN_MS: '60000',
      ALLOW_DELETE: 'false',
    });
    const { actions, statements } = roleActions(template, ids.verifier);
    expect(actions).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'states:StartExecution',
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [getAtt(ids.bucket), '/status/default/*']] },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'states:StartExecution', Resource: env.STATE_MACHINE_ARN }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['docs/*'] } },
        Resource: getAtt(ids.bucket),
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: [
          { 'Fn::Join': ['', [getAtt(ids.bucket), '/docs/*']] },
          { 'Fn::Join': ['', [getAtt(ids.bucket), '/test-files/*']] },
        ],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: expect.stringMatching(/^VerifierTargetSecret/) },
      }),
    );
  });

  it('the API may read/write the state table, use the idempotency table and invoke only the verifier', () => {
    const env = (props(ids.api).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      STATE_TABLE_NAME: { Ref: ids.table },
      IDEMPOTENCY_TABLE_NAME: { Ref: ids.idem },
      VERIFIER_FUNCTION_NAME: { Ref: ids.verifier },
    });
    expect(props(ids.api).Timeout).toBe(29);
    const { actions, statements } = roleActions(template, ids.api);
    expect(actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      's3:GetObject',
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: getAtt(ids.verifier) }),
    );
    // GET /status presigns the status page: read on status/ only, and the env that says where it is.
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [getAtt(ids.bucket), '/status/*']] },
      }),
    );
    expect(env).toMatchObject({
      STATUS_BUCKET: { Ref: ids.bucket },
      STATUS_PREFIX: 'status/default/',
      STATUS_PREFIXES: '{"default":"status/default/"}',
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: getAtt(ids.idem),
      }),
    );
  });

  it('the alert function publishes to the topic and reads the stream, nothing more', () => {
    const env = (props(ids.alert).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ TOPIC_ARN: { Ref: ids.topic }, IDEMPOTENCY_TABLE_NAME: { Ref: ids.idem } });
    const { actions, statements } = roleActions(template, ids.alert);
    expect(actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: ids.topic } }),
    );
  });

  it('no policy of ours grants a wildcard action', () => {
    for (const id of [ids.verifier, ids.api, ids.alert]) {
      expect(roleActions(template, id).actions.filter((a) => a.includes('*'))).toEqual([]);
    }
  });
});

describe('schedule', () => {
  it('invokes the verifier every 15 minutes (UTC) with a schedule trigger and no retries, disabled until enabled', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'DISABLED',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({
        Arn: getAtt(ids.verifier),
        Input: JSON.stringify({ trigger: 'schedule' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.verifier },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('state', () => {
  it('the state table is on-demand with PITR, TTL and a NEW_AND_OLD_IMAGES stream', () => {
    expect(props(ids.table)).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'gsi1' })],
    });
  });

  it('the alert function is fed business transitions only, with partial batch failures and a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.alert },
      EventSourceArn: getAtt(ids.table, 'StreamArn'),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: {
        OnFailure: {
          Destination: getAtt(
            findId(
              template,
              'AWS::SQS::Queue',
              () => true,
              (id) => id.startsWith('AlertsStreamFailures'),
            ),
          ),
        },
      },
      FilterCriteria: { Filters: ALERT_FILTER_PATTERNS.map((p) => ({ Pattern: JSON.stringify(p) })) },
    });
  });

  it('the bucket is versioned, private and SSL-only; the secret holds no value', () => {
    expect(props(ids.bucket)).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    expect(JSON.stringify(secrets)).not.toMatch(/"SecretString"/);
    template.resourcePropertiesCountIs(
      'Custom::CDKBucketDeployment',
      { DestinationBucketKeyPrefix: 'docs/' },
      1,
    );
    template.resourcePropertiesCountIs(
      'Custom::CDKBucketDeployment',
      { DestinationBucketKeyPrefix: 'test-files/' },
      1,
    );
  });
});

describe("what the README's deploy section tells a first deployer", () => {
  it('the outputs it reads (the dashboard by name), and cdk destroy keeps the table and the bucket', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    // The names the README's "Outputs" paragraph and its out() examples use (the default target: no suffix).
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'AlertTopicArn',
        'ApiUrl',
        'DashboardName',
        'DocsBucketName',
        'ReaderPolicyArn',
        'RunnerPolicyArn',
        'ScheduleName',
        'StateTableName',
        'TargetSecretArn',
        'VerifierFunctionName',
      ]),
    );
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Verifier-verifier' });
    expect(outputs.DashboardName?.Value).toBe('Verifier-verifier');
    expect(outputs.StateTableName?.Value).toEqual({ Ref: ids.table });
    expect(outputs.DocsBucketName?.Value).toEqual({ Ref: ids.bucket });
    const resources = template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>;
    expect([resources[ids.table]?.DeletionPolicy, resources[ids.bucket]?.DeletionPolicy]).toEqual([
      'Retain',
      'Retain',
    ]);
  });
});

describe('API', () => {
  it('has the nine routes, each with AWS_IAM authorization and a request validator', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
      (m) => (m as { Properties: Record<string, unknown> }).Properties,
    );
    expect(methods.map((m) => m.HttpMethod).sort()).toEqual([
      'DELETE',
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'POST',
      'POST',
    ]);
    // The mutes of endpoint health: POST /mutes, GET /mutes, DELETE /mutes/{id}.
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'mutes' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'DELETE',
      RequestParameters: { 'method.request.path.id': true, 'method.request.querystring.target': false },
    });
    // GET /status is routed (the stack has a status bucket), with its two query parameters.
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'status' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RequestParameters: {
        'method.request.querystring.format': false,
        'method.request.querystring.target': false,
      },
    });
    for (const m of methods) {
      expect(m).toMatchObject({ AuthorizationType: 'AWS_IAM', RequestValidatorId: expect.anything() });
    }
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestModels: { 'application/json': Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 })],
    });
  });
});

describe('alarms', () => {
  it('route verifier errors, a missing run and a flagged business to the topic', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // Per target: errors, missing run, flagged business, open incidents, failed invocations, failed
    // fan-out, capacity shortfall; for the stack: alert Lambda errors, stream DLQ depth.
    expect(Object.keys(alarms)).toHaveLength(9);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Verifier',
      MetricName: 'CapacityShortfall',
      Dimensions: [
        { Name: 'service', Value: 'verifier' },
        { Name: 'stack', Value: 'Verifier' },
        { Name: 'target', Value: 'default' },
      ],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.verifier } }],
      AlarmActions: [{ Ref: ids.topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Verifier',
      MetricName: 'RunsCompleted',
      Dimensions: [
        { Name: 'service', Value: 'verifier' },
        { Name: 'stack', Value: 'Verifier' },
        { Name: 'target', Value: 'default' },
      ],
      Period: 1800,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: ids.topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Verifier',
      MetricName: 'BusinessesFlagged',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
