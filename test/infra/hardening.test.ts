// The defects a first deployment would hit, each pinned by a template assertion: the alert topic
// accepts this account's alarms, the verifier is bounded and its failed async invocations kept and
// alarmed, old object versions expire, every log group has a retention, reader and runner IAM are
// separate, alert routes filter on message attributes, and the optional VPC and status page.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack } from './synth.js';

let template: Template;
type Resource = { Properties: Record<string, unknown> };
const ofType = (type: string) => Object.entries(template.findResources(type) as Record<string, Resource>);
const idOf = (type: string, prefix: string) => {
  const found = ofType(type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} ${prefix}*`).toHaveLength(1);
  return (found[0] as [string, Resource])[0];
};

beforeAll(() => {
  template = synthStack(
    {
      alertRoutes: [
        { email: 'ops@example.com', types: ['business_flagged'], domains: ['communication', 'clients'] },
      ],
    },
    { cfnValidation: false },
  ).template();
});

describe('alert topic', () => {
  it('allows CloudWatch alarms of this account to publish (enforceSSL alone leaves only a Deny)', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:123456789012:alarm:*'],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  it('routes subscribe with a filter policy on the type and domain message attributes', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      FilterPolicy: { type: ['business_flagged'], domain: ['communication', 'clients'] },
    });
  });
});

describe('verifier function', () => {
  it('has reserved concurrency and keeps failed async invocations in a queue, with an alarm', () => {
    const fn = idOf('AWS::Lambda::Function', 'VerifierFunction');
    expect(template.toJSON().Resources[fn].Properties.ReservedConcurrentExecutions).toBe(10);
    const queue = idOf('AWS::SQS::Queue', 'VerifierFailedInvocations');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('runs in the given VPC subnets and security groups when asked', () => {
    const t = synthStack(
      {},
      {
        cfnValidation: false,
        propsFrom: (stack) => {
          const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
            vpcId: 'vpc-1',
            availabilityZones: ['eu-west-1a'],
            privateSubnetIds: ['subnet-1'],
          });
          return { vpc: { vpc, securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')] } };
        },
      },
    ).template();
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Runs the workflow docs'),
      VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
    });
  });
});

describe('alarms', () => {
  it('on the alert Lambda errors, the stream dead-letter queue and open incidents', () => {
    const alert = ofType('AWS::Lambda::Function').find(([, r]) =>
      String(r.Properties.Description).startsWith('Publishes one alert'),
    )?.[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: alert } }],
    });
    const dlq = idOf('AWS::SQS::Queue', 'AlertsStreamFailures');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OpenIncidents',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('storage and logs', () => {
  it('old object versions expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } })],
      },
    });
  });

  it('every log group has a retention, and every function (BucketDeployment too) logs to one', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const [id, g] of groups) expect(g.Properties.RetentionInDays, id).toBeGreaterThan(0);
    for (const [id, f] of ofType('AWS::Lambda::Function'))
      expect(f.Properties.LoggingConfig, id).toMatchObject({ LogGroup: expect.anything() });
  });
});

describe('API IAM', () => {
  it('a reader may invoke the GET routes only; a runner may also POST /runs and add or remove mutes', () => {
    const api = idOf('AWS::ApiGateway::RestApi', 'Api');
    const arn = (suffix: string) => ({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:eu-west-1:123456789012:', { Ref: api }, suffix],
      ],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Verifier API: read'),
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arn('/v1/GET/*') }],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Verifier API: start runs'),
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: [
              arn('/v1/POST/runs'),
              arn('/v1/POST/mutes'),
              arn('/v1/DELETE/mutes/*'),
              arn('/v1/GET/*'),
            ],
          },
        ],
      },
    });
  });
});

describe('public status page', () => {
  it('is off by default', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it('serves status/ through CloudFront with origin access control; the bucket stays private', () => {
    const t = synthStack({ publicStatusPage: true }, { cfnValidation: false }).template();
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({ OriginPath: '/status', OriginAccessControlId: Match.anyValue() })],
      }),
    });
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
      BucketEncryption: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            NotResource: { 'Fn::Join': ['', [Match.anyValue(), '/status/*']] },
          }),
        ]),
      },
    });
  });
});
