// Alerting: the SNS topic and its subscribers, and the alert Lambda fed by the state table's stream,
// filtered so only business-condition transitions invoke it.
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALERT_FILTER_PATTERNS } from '../../lambda/handlers/alert-filters.js';
import { createNodeFunction } from './node-function.js';

export interface AlertingProps {
  readonly stateTable: Table;
  readonly idempotencyTable: Table;
  /** @default - no email subscribers */
  readonly alertEmails?: readonly string[];
  /** HTTPS endpoints that receive the JSON alert. @default - none */
  readonly alertUrls?: readonly string[];
}

export class Alerting extends Construct {
  readonly topic: Topic;
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Verifier alerts', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alerts carry redacted evidence only (never tokens), and CloudWatch alarms publish here too; a customer-managed KMS key adds cost and a key policy for no confidentiality gain.',
    });
    for (const email of props.alertEmails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    for (const url of props.alertUrls ?? []) {
      if (!url.startsWith('https://'))
        throw new Error(
          `alertUrls: "${url}" is not an https:// URL; SNS delivers alerts to HTTPS endpoints only here`,
        );
      this.topic.addSubscription(new UrlSubscription(url));
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
      description: 'Publishes one alert per business-condition transition',
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
  }
}
