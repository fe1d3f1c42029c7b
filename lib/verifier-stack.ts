// The verifier as users deploy it: docs in S3, state in DynamoDB, a scheduled verifier Lambda,
// alerts through SNS, an IAM-authorized REST API, alarms and a dashboard.
import path from 'node:path';
import { CfnOutput, type Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_RETENTION_DAYS } from '../lambda/adapters/dynamodb/schema.js';
import type { ConditionRule } from '../lambda/engine/conditions/rules.js';
import { Alerting } from './constructs/alerting.js';
import { DocsBucket } from './constructs/docs-bucket.js';
import { Monitoring } from './constructs/monitoring.js';
import { REPO_ROOT } from './constructs/node-function.js';
import { StateTables } from './constructs/state-tables.js';
import { VerifierApi } from './constructs/verifier-api.js';
import {
  type TargetProps,
  VerifierFunction,
  type VerifierScheduleProps,
} from './constructs/verifier-function.js';

export interface VerifierStackProps extends StackProps {
  /** The API the docs run against. One stack (and one secret) per target. */
  readonly target: TargetProps;
  /** @default - every 15 minutes: `{ expression: 'rate(15 minutes)' }` in UTC */
  readonly schedule?: VerifierScheduleProps;
  /** Folder of docs to deploy under `docs/` (its `test-files/` go under `test-files/`). @default - the repository's seeds/ */
  readonly docsPath?: string;
  /** Days run history is kept (DynamoDB TTL). @default 30 */
  readonly retentionDays?: number;
  /** @default - no email subscribers */
  readonly alertEmails?: readonly string[];
  /** @default - no HTTPS subscribers */
  readonly alertUrls?: readonly string[];
  /** Docs in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Requests per second to the target; 0 = no cap. @default 5 */
  readonly rps?: number;
  /** Run docs that contain DELETE steps. @default false */
  readonly allowDelete?: boolean;
  /** Business-condition rules added to the two documented ones (FORMAT.md §9). @default - only the documented rules */
  readonly conditionRules?: readonly ConditionRule[];
  /** @default Duration.minutes(15) */
  readonly verifierTimeout?: Duration;
  /** Applied to the bucket and the state table. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class VerifierStack extends Stack {
  readonly tables: StateTables;
  readonly docs: DocsBucket;
  readonly verifier: VerifierFunction;
  readonly alerting: Alerting;
  readonly api: VerifierApi;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: VerifierStackProps) {
    super(scope, id, props);
    const retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new StateTables(this, 'Tables', { removalPolicy });
    this.docs = new DocsBucket(this, 'Docs', {
      docsPath: props.docsPath ?? path.join(REPO_ROOT, 'seeds'),
      removalPolicy,
    });
    this.verifier = new VerifierFunction(this, 'Verifier', {
      stateTable: this.tables.state,
      bucket: this.docs.bucket,
      docsPrefix: this.docs.docsPrefix,
      testFilesPrefix: this.docs.testFilesPrefix,
      target: props.target,
      schedule: props.schedule ?? { expression: 'rate(15 minutes)' },
      retentionDays,
      ...(props.concurrency !== undefined && { concurrency: props.concurrency }),
      ...(props.rps !== undefined && { rps: props.rps }),
      ...(props.allowDelete !== undefined && { allowDelete: props.allowDelete }),
      ...(props.conditionRules && { conditionRules: props.conditionRules }),
      ...(props.verifierTimeout && { timeout: props.verifierTimeout }),
    });
    this.alerting = new Alerting(this, 'Alerts', {
      stateTable: this.tables.state,
      idempotencyTable: this.tables.idempotency,
      ...(props.alertEmails && { alertEmails: props.alertEmails }),
      ...(props.alertUrls && { alertUrls: props.alertUrls }),
    });
    this.api = new VerifierApi(this, 'Api', {
      stateTable: this.tables.state,
      idempotencyTable: this.tables.idempotency,
      verifier: this.verifier.function,
      retentionDays,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      verifier: this.verifier.function,
      api: this.api.function,
      alertFunction: this.alerting.function,
      topic: this.alerting.topic,
      schedulePeriodMinutes: this.verifier.periodMinutes,
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS managed basic execution policy only lets a function write its own CloudWatch Logs.',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'TargetSecretArn', { value: this.verifier.secret.secretArn });
    new CfnOutput(this, 'DocsBucketName', { value: this.docs.bucket.bucketName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'StateTableName', { value: this.tables.state.tableName });
  }
}
