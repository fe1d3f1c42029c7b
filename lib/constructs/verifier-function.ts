// The verifier Lambda, its target secret and its schedule. Each env var is set next to the grant
// that makes it usable: read the docs prefixes, read the secret, read/write the state table.
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';
import { METRICS } from '../../lambda/config/env.js';
import type { ConditionRule } from '../../lambda/engine/conditions/rules.js';
import { createNodeFunction } from './node-function.js';

export interface TargetProps {
  /** Primary base URL, e.g. `https://host/apigw`. */
  readonly baseUrl: string;
  /** @default - the base URL */
  readonly fallbackUrl?: string;
  /** @default - partners paths go to the base URL */
  readonly partnersUrl?: string;
}

export interface VerifierScheduleProps {
  /** `rate(15 minutes)` or `cron(0 8 * * ? *)` (EventBridge Scheduler syntax). */
  readonly expression: string;
  /** IANA time zone for cron expressions. @default - UTC */
  readonly timeZone?: string;
  /** Minutes between runs, for the missing-run alarm. @default - derived from a rate() expression; required for cron */
  readonly periodMinutes?: number;
}

export interface VerifierFunctionProps {
  readonly stateTable: Table;
  readonly bucket: Bucket;
  readonly docsPrefix: string;
  readonly testFilesPrefix: string;
  readonly target: TargetProps;
  readonly schedule: VerifierScheduleProps;
  /** @default 4 */
  readonly concurrency?: number;
  /** @default 5 */
  readonly rps?: number;
  /** @default false */
  readonly allowDelete?: boolean;
  /** Business-condition rules added to the two documented ones. @default - only the documented rules */
  readonly conditionRules?: readonly ConditionRule[];
  /** @default 30 */
  readonly retentionDays?: number;
  /** @default Duration.minutes(15) */
  readonly timeout?: Duration;
}

/** Minutes between scheduled runs, from the props or a rate() expression. */
export function schedulePeriodMinutes(schedule: VerifierScheduleProps): number {
  if (schedule.periodMinutes !== undefined) return schedule.periodMinutes;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expression.trim());
  if (!rate?.[1] || !rate[2]) {
    throw new Error(
      `schedule "${schedule.expression}": cannot derive the period between runs; set schedule.periodMinutes (used by the missing-run alarm), or use rate(N minutes)`,
    );
  }
  const n = Number(rate[1]);
  return rate[2].startsWith('minute') ? n : rate[2].startsWith('hour') ? n * 60 : n * 1440;
}

export class VerifierFunction extends Construct {
  readonly function: NodejsFunction;
  readonly secret: Secret;
  readonly schedule: Schedule;
  readonly periodMinutes: number;

  constructor(scope: Construct, id: string, props: VerifierFunctionProps) {
    super(scope, id);
    this.periodMinutes = schedulePeriodMinutes(props.schedule);
    const timeout = props.timeout ?? Duration.minutes(15);

    // The stack never holds token values: users put them after deploy (see README).
    this.secret = new Secret(this, 'TargetSecret', {
      description:
        'Verifier target credentials: { "tokens": {...}, "params": {...} } (put the value after deploy)',
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The tokens are issued by the target platform, not by AWS: they are rotated by putting a new secret value.',
    });

    const fn = createNodeFunction(this, 'Function', {
      handler: 'verify',
      description: 'Runs the workflow docs against the target and records the state',
      memorySize: 1024,
      timeout,
      environment: {
        TARGET_BASE_URL: props.target.baseUrl,
        ...(props.target.fallbackUrl && { TARGET_FALLBACK_URL: props.target.fallbackUrl }),
        ...(props.target.partnersUrl && { TARGET_PARTNERS_URL: props.target.partnersUrl }),
        CONCURRENCY: String(props.concurrency ?? 4),
        RPS: String(props.rps ?? 5),
        ALLOW_DELETE: String(props.allowDelete ?? false),
        ...(props.conditionRules?.length && { CONDITION_RULES: JSON.stringify(props.conditionRules) }),
        RETENTION_DAYS: String(props.retentionDays ?? 30),
        // Stop starting docs with a minute (or a fifth of a short timeout) left.
        STOP_MARGIN_MS: String(Math.min(60_000, Math.floor(timeout.toMilliseconds() / 5))),
        POWERTOOLS_SERVICE_NAME: METRICS.verifierService,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      },
    });
    // A failed run is not retried by Lambda: the next scheduled run is the retry.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.hours(1) });
    this.function = fn;

    fn.addEnvironment('DOCS_BUCKET', props.bucket.bucketName);
    fn.addEnvironment('DOCS_PREFIX', props.docsPrefix);
    fn.addEnvironment('TEST_FILES_PREFIX', props.testFilesPrefix);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${props.docsPrefix}*`] } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          props.bucket.arnForObjects(`${props.docsPrefix}*`),
          props.bucket.arnForObjects(`${props.testFilesPrefix}*`),
        ],
      }),
    );

    fn.addEnvironment('TARGET_SECRET_ID', this.secret.secretArn);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );

    fn.addEnvironment('STATE_TABLE_NAME', props.stateTable.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:Query',
        ],
        resources: [props.stateTable.tableArn, `${props.stateTable.tableArn}/index/${STATE_TABLE.gsi1.name}`],
      }),
    );

    const bucketId = Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnBucket);
    Validations.of(fn).acknowledge(
      ...[props.docsPrefix, props.testFilesPrefix].map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `s3:GetObject on the objects under ${prefix} only: doc and test file names are not known at deploy time.`,
      })),
    );

    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Scheduled verifier run',
      schedule: ScheduleExpression.expression(
        props.schedule.expression,
        props.schedule.timeZone ? TimeZone.of(props.schedule.timeZone) : undefined,
      ),
      target: new LambdaInvoke(fn, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 0,
      }),
    });
    // aws-scheduler-targets puts the Scheduler's role at stack level.
    for (const role of Stack.of(this).node.children.filter((c) =>
      c.node.id.startsWith('SchedulerRoleForTarget'),
    )) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          'The Scheduler target role generated by aws-scheduler-targets may invoke the verifier function (and its versions) only.',
      });
    }
  }
}
