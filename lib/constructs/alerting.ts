// Alerting: the SNS topic and its subscribers, and the alert Lambda fed by the state table's stream,
// filtered so only business-condition transitions invoke it.
import { ArnFormat, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import { createNodeFunction } from './node-function.js';

/**
 * One subscriber of the alert topic. With `types` or `domains`, SNS delivers only alerts whose
 * message attributes `type` / `domain` match (CloudWatch alarm notifications carry no attributes,
 * so a filtered route does not receive them).
 */
export interface AlertRoute {
  /** @default - not an email route (set exactly one of email and url) */
  readonly email?: string;
  /** An https:// endpoint that receives the JSON alert. @default - not a URL route */
  readonly url?: string;
  /** Alert types to deliver, e.g. `['business_flagged']`. @default - every type */
  readonly types?: readonly string[];
  /** Doc domains to deliver, e.g. `['communication']`. @default - every domain */
  readonly domains?: readonly string[];
}

/** The daily digest (open incidents, invalid docs, flapping docs, mutes) published to the alert topic. */
export interface AlertDigest {
  /** `cron(0 8 * * ? *)` or `rate(1 day)` (EventBridge Scheduler syntax). */
  readonly schedule: string;
  /** IANA time zone the cron is read in, e.g. `Europe/Paris`. @default - UTC */
  readonly timeZone?: string;
}

export interface AlertingProps {
  readonly stateTable: Table;
  readonly idempotencyTable: Table;
  /** @default - no subscribers */
  readonly routes?: readonly AlertRoute[];
  /** @default - no digest (the CLI's `verifier digest` prints one on demand) */
  readonly digest?: AlertDigest;
}

export class Alerting extends Construct {
  readonly topic: Topic;
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;
  /** Set when the `digest` prop is. */
  readonly digestFunction?: NodejsFunction;
  readonly digestSchedule?: Schedule;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Verifier alerts', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alerts carry redacted evidence only (never tokens), and CloudWatch alarms publish here too; a customer-managed KMS key adds cost and a key policy for no confidentiality gain.',
    });
    // enforceSSL leaves only a Deny in the topic policy: CloudWatch alarms of this account may publish.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const route of props.routes ?? []) {
      const filterPolicy: Record<string, SubscriptionFilter> = {
        ...(route.types && { type: SubscriptionFilter.stringFilter({ allowlist: [...route.types] }) }),
        ...(route.domains && { domain: SubscriptionFilter.stringFilter({ allowlist: [...route.domains] }) }),
      };
      const filter = Object.keys(filterPolicy).length ? { filterPolicy } : {};
      if (route.email !== undefined && route.url === undefined) {
        this.topic.addSubscription(new EmailSubscription(route.email, filter));
      } else if (route.url !== undefined && route.email === undefined) {
        if (!route.url.startsWith('https://'))
          throw new Error(
            `alertRoutes: "${route.url}" is not an https:// URL; SNS delivers alerts to HTTPS endpoints only here`,
          );
        this.topic.addSubscription(new UrlSubscription(route.url, filter));
      } else {
        throw new Error(
          `alertRoutes: received ${JSON.stringify(route)}, expected exactly one of email and url`,
        );
      }
    }

    this.deadLetterQueue = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the stream event source.',
    });

    const fn = createNodeFunction(this, 'Function', {
      handler: 'alert',
      description: 'Publishes one alert per business-condition transition and per outbox item',
      environment: { POWERTOOLS_SERVICE_NAME: 'verifier-alert' },
    });
    this.function = fn;

    fn.addEnvironment('TOPIC_ARN', this.topic.topicArn);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));

    fn.addEnvironment('IDEMPOTENCY_TABLE_NAME', props.idempotencyTable.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );

    fn.addEventSource(
      new DynamoEventSource(props.stateTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: ALERT_FILTER_PATTERNS.map((pattern) => FilterCriteria.filter({ ...pattern })),
      }),
    );
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by the DynamoDB event source) does not support resource-level permissions; the stream read actions are scoped to the table stream.',
    });

    if (props.digest) {
      const digest = createNodeFunction(this, 'DigestFunction', {
        handler: 'digest',
        description: 'Publishes the health digest (open incidents, invalid, flapping, muted docs)',
        environment: { POWERTOOLS_SERVICE_NAME: 'verifier-digest' },
      });
      digest.addEnvironment('TOPIC_ARN', this.topic.topicArn);
      digest.addToRolePolicy(
        new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
      );
      digest.addEnvironment('STATE_TABLE_NAME', props.stateTable.tableName);
      // Queries only: health records by pk, doc states through gsi1.
      digest.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [
            props.stateTable.tableArn,
            `${props.stateTable.tableArn}/index/${STATE_TABLE.gsi1.name}`,
          ],
        }),
      );
      this.digestFunction = digest;
      this.digestSchedule = new Schedule(this, 'DigestSchedule', {
        description: 'Daily health digest to the alert topic',
        schedule: ScheduleExpression.expression(
          props.digest.schedule,
          props.digest.timeZone ? TimeZone.of(props.digest.timeZone) : undefined,
        ),
        target: new LambdaInvoke(digest, { retryAttempts: 2 }),
      });
      // aws-scheduler-targets puts the Scheduler's role at stack level.
      const fnLogicalId = stack.getLogicalId(digest.node.defaultChild as CfnFunction);
      for (const role of stack.node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget'))) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
          reason:
            'The Scheduler target role generated by aws-scheduler-targets may invoke the digest function (and its versions) only.',
        });
      }
    }
  }
}
