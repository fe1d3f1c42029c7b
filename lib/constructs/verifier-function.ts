// One target's verifier Lambda, its secret and its schedules. Each env var is set next to the grant
// that makes it usable: read the docs prefixes and the rules object, read the secret, read/write the
// state table, write the target's status page prefix.
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';
import { METRICS } from '../../lambda/config/env.js';
import type { TargetRule } from '../../lambda/engine/health/target-rules.js';
import { createNodeFunction } from './node-function.js';

/** One API the docs run against, as given in `targets` (or `-c targetsFile`). */
export interface TargetSettings {
  /** Lowercase name: metrics dimension `target`, run lock, state partition, status page `status/<name>/`. */
  readonly name: string;
  /** Primary base URL, e.g. `https://host/apigw`. */
  readonly baseUrl: string;
  /** @default - the base URL */
  readonly fallbackUrl?: string;
  /** @default - partners paths go to the base URL */
  readonly partnersUrl?: string;
  /** `rate(15 minutes)` or `cron(0 8 * * ? *)` (EventBridge Scheduler syntax). */
  readonly schedule: string;
  /** IANA time zone for cron expressions. @default - UTC */
  readonly timeZone?: string;
  /** Minutes between runs, for the missing-run alarm. @default - derived from a rate() expression; required for cron */
  readonly schedulePeriodMinutes?: number;
  /** Requests per second to the target across all shards; 0 = no cap. */
  readonly rps: number;
  /** Docs in flight at once in one shard. */
  readonly concurrency: number;
  /** Where this target's docs are in the bucket. @default 'docs/' */
  readonly docsPrefix?: string;
  /** Consecutive failing runs before a doc counts as failing. @default - the runtime's default */
  readonly failAfter?: number;
  /** Consecutive passing runs before a failing doc counts as recovered. @default - the runtime's default */
  readonly recoverAfter?: number;
  /**
   * A second schedule that runs the auth matrix (`mode`: re-send GET steps only, or every step; `all`
   * re-sends writes). It multiplies requests, so it is not on the run schedule. @default - no auth-matrix schedule
   */
  readonly authMatrix?: { readonly schedule: string; readonly mode?: 'get' | 'all' };
  /** Response contracts checked on every run, from the specs in the docs bucket. @default - none */
  readonly openapi?: OpenapiSettings;
}

/** Where a target's OpenAPI/Swagger specs are in the docs bucket (the docs' `swagger:` paths are relative to `prefix`). */
export interface OpenapiSettings {
  /** @default 'specs/' (where the stack's `specsPath` deploys them) */
  readonly prefix?: string;
  /** Remote `$ref` URL prefix → key prefix under `prefix`, e.g. `{ 'https://…/entities/': 'entities/' }`. @default - none */
  readonly refMap?: Readonly<Record<string, string>>;
  /** A drift fails the doc (`--contract strict`). @default false */
  readonly strict?: boolean;
}

/** The specs prefix when a target does not name one. */
export const DEFAULT_SPECS_PREFIX = 'specs/';

/** Where the verifier runs when the target API is private. */
export interface VpcPlacement {
  readonly vpc: IVpc;
  /** @default - the VPC's private subnets */
  readonly subnets?: SubnetSelection;
  /** @default - a new security group with all outbound traffic allowed */
  readonly securityGroups?: readonly ISecurityGroup[];
}

export interface VerifierFunctionProps {
  readonly target: TargetSettings;
  readonly stateTable: Table;
  readonly bucket: Bucket;
  /** @default 'docs/' */
  readonly docsPrefix?: string;
  readonly testFilesPrefix: string;
  /** S3 key of the extra condition rules (a JSON array). @default - only the documented rules */
  readonly conditionRulesKey?: string;
  /** Target-condition rules, validated; by name they replace the shipped ones. @default - the shipped rules */
  readonly targetRules?: readonly TargetRule[];
  /** Key prefix the target's status page is written under, e.g. `status/prod/`. */
  readonly statusPrefix: string;
  /** Metric dimensions the runtime adds to every metric (stack and target). */
  readonly metricDimensions: Record<string, string>;
  /** Scheduled runs are on. Off until the secret holds real credentials (README). @default false */
  readonly scheduleEnabled?: boolean;
  /** @default false */
  readonly allowDelete?: boolean;
  /** @default 30 */
  readonly retentionDays?: number;
  /** @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /** Concurrent executions reserved for this function (shards + the planner + one API run). @default 10 */
  readonly reservedConcurrency?: number;
  /** @default - not in a VPC */
  readonly vpc?: VpcPlacement;
}

/** Minutes between scheduled runs, from the props or a rate() expression. */
export function schedulePeriodMinutes(schedule: {
  expression: string;
  periodMinutes?: number | undefined;
}): number {
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

/** Shards that may run at once: the reserved concurrency less the planner and one API-started run. */
export const maxShardConcurrency = (reserved: number) => Math.max(1, reserved - 2);

export class VerifierFunction extends Construct {
  readonly function: NodejsFunction;
  readonly secret: Secret;
  readonly schedule: Schedule;
  readonly authMatrixSchedule?: Schedule;
  readonly periodMinutes: number;
  /** Async invocations (schedule, API) that failed land here. */
  readonly failedInvocations: Queue;
  readonly maxShardConcurrency: number;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: VerifierFunctionProps) {
    super(scope, id);
    const target = props.target;
    this.periodMinutes = schedulePeriodMinutes({
      expression: target.schedule,
      periodMinutes: target.schedulePeriodMinutes,
    });
    const timeout = props.timeout ?? Duration.minutes(15);
    this.timeout = timeout;
    const reserved = props.reservedConcurrency ?? 10;
    this.maxShardConcurrency = maxShardConcurrency(reserved);
    const docsPrefix = target.docsPrefix ?? props.docsPrefix ?? 'docs/';

    // The stack never holds token values: users put them after deploy (see README).
    this.secret = new Secret(this, 'TargetSecret', {
      description: `Verifier target "${target.name}" credentials: { "tokens": {...}, "params": {...} } (put the value after deploy)`,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The tokens are issued by the target platform, not by AWS: they are rotated by putting a new secret value.',
    });

    const fn = createNodeFunction(this, 'Function', {
      handler: 'verify',
      description: `Runs the workflow docs against the target "${target.name}" and records the state`,
      memorySize: 1024,
      timeout,
      reservedConcurrentExecutions: reserved,
      ...(props.vpc && { vpc: props.vpc }),
      environment: {
        TARGET_NAME: target.name,
        ...props.metricDimensions,
        TARGET_BASE_URL: target.baseUrl,
        ...(target.fallbackUrl && { TARGET_FALLBACK_URL: target.fallbackUrl }),
        ...(target.partnersUrl && { TARGET_PARTNERS_URL: target.partnersUrl }),
        CONCURRENCY: String(target.concurrency),
        RPS: String(target.rps),
        // The names lambda/config/verify.ts reads (test/infra/runtime-env.test.ts parses them).
        MAX_PARALLEL_SHARDS: String(this.maxShardConcurrency),
        SCHEDULE_PERIOD_MINUTES: String(this.periodMinutes),
        ...(target.failAfter !== undefined && { FAIL_AFTER: String(target.failAfter) }),
        ...(target.recoverAfter !== undefined && { RECOVER_AFTER: String(target.recoverAfter) }),
        // The default target keeps the lock name runs used before targets existed.
        LOCK_NAME: target.name === 'default' ? 'verifier-run' : `verifier-run-${target.name}`,
        ALLOW_DELETE: String(props.allowDelete ?? false),
        RETENTION_DAYS: String(props.retentionDays ?? 30),
        // Stop starting docs with a minute (or a fifth of a short timeout) left.
        STOP_MARGIN_MS: String(Math.min(60_000, Math.floor(timeout.toMilliseconds() / 5))),
        POWERTOOLS_SERVICE_NAME: METRICS.verifierService,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      },
    });
    this.function = fn;

    // A failed run is not retried by Lambda (the next scheduled run is the retry), but it is kept.
    this.failedInvocations = new Queue(this, 'FailedInvocations', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the on-failure destination of the verifier's async invocations.",
    });
    fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failedInvocations),
    });

    fn.addEnvironment('DOCS_BUCKET', props.bucket.bucketName);
    fn.addEnvironment('DOCS_PREFIX', docsPrefix);
    fn.addEnvironment('TEST_FILES_PREFIX', props.testFilesPrefix);
    // Response contracts: the specs are listed and read from their prefix (the docs' reads, too).
    const specsPrefix = target.openapi && (target.openapi.prefix ?? DEFAULT_SPECS_PREFIX);
    if (target.openapi && specsPrefix) {
      fn.addEnvironment('OPENAPI_PREFIX', specsPrefix);
      const refMap = target.openapi.refMap ?? {};
      if (Object.keys(refMap).length > 0) fn.addEnvironment('OPENAPI_REF_MAP', JSON.stringify(refMap));
      if (target.openapi.strict) fn.addEnvironment('OPENAPI_STRICT', 'true');
    }
    const listed = [docsPrefix, ...(specsPrefix ? [specsPrefix] : [])];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': listed.map((p) => `${p}*`) } },
      }),
    );
    const readable = [docsPrefix, props.testFilesPrefix, ...(specsPrefix ? [specsPrefix] : [])].map((p) =>
      props.bucket.arnForObjects(`${p}*`),
    );
    // Small (a few rules), so in the environment; read and validated at cold start like the rest.
    if (props.targetRules?.length) fn.addEnvironment('TARGET_RULES', JSON.stringify(props.targetRules));
    if (props.conditionRulesKey) {
      fn.addEnvironment('CONDITION_RULES_KEY', props.conditionRulesKey);
      readable.push(props.bucket.arnForObjects(props.conditionRulesKey));
    }
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: readable }));

    fn.addEnvironment('STATUS_BUCKET', props.bucket.bucketName);
    fn.addEnvironment('STATUS_PREFIX', props.statusPrefix);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${props.statusPrefix}*`)],
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
      ...[
        ...new Set([
          docsPrefix,
          props.testFilesPrefix,
          props.statusPrefix,
          ...(specsPrefix ? [specsPrefix] : []),
        ]),
      ].map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `S3 objects under ${prefix} only: doc, test file, spec and page names are not known at deploy time.`,
      })),
    );

    const enabled = props.scheduleEnabled ?? false;
    const timeZone = target.timeZone ? TimeZone.of(target.timeZone) : undefined;
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Scheduled verifier run of target "${target.name}"`,
      schedule: ScheduleExpression.expression(target.schedule, timeZone),
      enabled,
      target: new LambdaInvoke(fn, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 0,
      }),
    });
    if (target.authMatrix) {
      this.authMatrixSchedule = new Schedule(this, 'AuthMatrixSchedule', {
        description: `Scheduled auth-matrix run of target "${target.name}"`,
        schedule: ScheduleExpression.expression(target.authMatrix.schedule, timeZone),
        enabled,
        target: new LambdaInvoke(fn, {
          // The run's auth-matrix mode travels in the event (AUTH_MATRIX stays off for the run schedule).
          input: ScheduleTargetInput.fromObject({
            trigger: 'schedule',
            mode: 'auth-matrix',
            authMatrix: target.authMatrix.mode ?? 'get',
          }),
          retryAttempts: 0,
        }),
      });
    }
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
