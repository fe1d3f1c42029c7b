// The verifier as users deploy it: docs in S3, state in DynamoDB, per target a scheduled verifier
// Lambda with its secret and a fan-out state machine, alerts through SNS, an IAM-authorized REST
// API, alarms, a dashboard and (optionally) a public status page.
import path from 'node:path';
import { CfnOutput, type Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_RETENTION_DAYS } from '../lambda/adapters/dynamodb/schema.js';
import type { ConditionRule } from '../lambda/engine/conditions/rules.js';
import { parseTargetRules, type TargetRule } from '../lambda/engine/health/target-rules.js';
import { type AlertDigest, Alerting, type AlertRoute } from './constructs/alerting.js';
import { DocsBucket } from './constructs/docs-bucket.js';
import { Monitoring } from './constructs/monitoring.js';
import { REPO_ROOT } from './constructs/node-function.js';
import { StateTables } from './constructs/state-tables.js';
import { StatusPage } from './constructs/status-page.js';
import { VerifierApi } from './constructs/verifier-api.js';
import {
  type TargetSettings,
  targetConstructId,
  VerifierTarget,
  type VpcPlacement,
} from './constructs/verifier-target.js';

export interface VerifierStackProps extends StackProps {
  /** The APIs the docs run against: each gets its own secret, schedule, run lock, state partition, alarms and status page. */
  readonly targets: readonly TargetSettings[];
  /** Folder of docs to deploy under `docs/` (its `test-files/` go under `test-files/`). @default - the repository's seeds/ */
  readonly docsPath?: string;
  /** Folder of OpenAPI/Swagger specs deployed under `specs/` (a target's `openapi` prop reads them). @default - none */
  readonly specsPath?: string;
  /** Days run history is kept (DynamoDB TTL). @default 30 */
  readonly retentionDays?: number;
  /** Who receives alerts (email or https), optionally filtered by alert type and doc domain. @default - no subscribers */
  readonly alertRoutes?: readonly AlertRoute[];
  /**
   * Publish a health digest (open incidents, invalid, flapping and muted docs) to the alert topic on
   * this schedule, e.g. `{ schedule: 'cron(0 8 * * ? *)' }`. @default - no digest
   */
  readonly digest?: AlertDigest;
  /** Run docs that contain DELETE steps. @default false */
  readonly allowDelete?: boolean;
  /** Business-condition rules added to the two documented ones, stored in the bucket. @default - only the documented rules */
  readonly conditionRules?: readonly ConditionRule[];
  /**
   * Target-condition rules (target down, token rejected, rate limited): a rule named `target-down`,
   * `token-rejected` or `rate-limited` replaces that shipped rule, others are added. Validated at synth.
   * @default - the shipped rules (README, "Endpoint health alerts")
   */
  readonly targetRules?: readonly TargetRule[];
  /**
   * Scheduled runs are on. Deploy first with them off, put the target secrets, then redeploy with
   * `scheduleEnabled: true` (README, "Deploy"): a schedule against the placeholder secret only fails.
   * @default false
   */
  readonly scheduleEnabled?: boolean;
  /** @default Duration.minutes(15) */
  readonly verifierTimeout?: Duration;
  /** Concurrent executions reserved for each target's verifier function. @default 10 */
  readonly reservedConcurrency?: number;
  /** Run the verifier functions in a VPC (private target APIs). @default - not in a VPC */
  readonly vpc?: VpcPlacement;
  /** Publish `status/` through CloudFront (origin access control; the bucket stays private). @default false */
  readonly publicStatusPage?: boolean;
  /** Applied to the bucket and the state table. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class VerifierStack extends Stack {
  readonly tables: StateTables;
  readonly docs: DocsBucket;
  readonly targets: readonly VerifierTarget[];
  readonly alerting: Alerting;
  readonly api: VerifierApi;
  readonly monitoring: Monitoring;
  readonly statusPage?: StatusPage;

  constructor(scope: Construct, id: string, props: VerifierStackProps) {
    super(scope, id, props);
    if (props.targets.length === 0)
      throw new Error('VerifierStack: received no targets, expected at least one { name, baseUrl, ... }');
    const names = props.targets.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`VerifierStack: target name "${dup}" appears twice, expected unique names`);
    const retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new StateTables(this, 'Tables', { removalPolicy });
    this.docs = new DocsBucket(this, 'Docs', {
      docsPath: props.docsPath ?? path.join(REPO_ROOT, 'seeds'),
      removalPolicy,
      ...(props.conditionRules && { conditionRules: props.conditionRules }),
      ...(props.specsPath && { specsPath: props.specsPath }),
    });
    // Checked here, so a bad rule fails `cdk synth` naming its field rather than every cold start.
    const targetRules = props.targetRules && parseTargetRules(props.targetRules, 'targetRules');
    this.targets = props.targets.map(
      (target) =>
        new VerifierTarget(this, {
          target,
          stackName: this.stackName,
          stateTable: this.tables.state,
          bucket: this.docs.bucket,
          docsPrefix: this.docs.docsPrefix,
          testFilesPrefix: this.docs.testFilesPrefix,
          retentionDays,
          ...(this.docs.conditionRulesKey && { conditionRulesKey: this.docs.conditionRulesKey }),
          ...(targetRules && { targetRules }),
          ...(props.scheduleEnabled !== undefined && { scheduleEnabled: props.scheduleEnabled }),
          ...(props.allowDelete !== undefined && { allowDelete: props.allowDelete }),
          ...(props.verifierTimeout && { timeout: props.verifierTimeout }),
          ...(props.reservedConcurrency !== undefined && { reservedConcurrency: props.reservedConcurrency }),
          ...(props.vpc && { vpc: props.vpc }),
        }),
    );
    this.alerting = new Alerting(this, 'Alerts', {
      stateTable: this.tables.state,
      idempotencyTable: this.tables.idempotency,
      ...(props.alertRoutes && { routes: props.alertRoutes }),
      ...(props.digest && { digest: props.digest }),
    });
    this.api = new VerifierApi(this, 'Api', {
      stateTable: this.tables.state,
      idempotencyTable: this.tables.idempotency,
      verifiers: Object.fromEntries(this.targets.map((t) => [t.name, t.verifier.function])),
      retentionDays,
      stackName: this.stackName,
      statusBucket: this.docs.bucket,
      statusPrefixes: Object.fromEntries(this.targets.map((t) => [t.name, t.statusPrefix])),
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      targets: this.targets.map((t) => ({
        name: t.name,
        verifier: t.verifier.function,
        failedInvocations: t.verifier.failedInvocations,
        stateMachine: t.fanOut.stateMachine,
        schedulePeriodMinutes: t.verifier.periodMinutes,
        dimensions: t.dimensions,
        checksContracts: t.checksContracts,
      })),
      api: this.api.function,
      alertFunction: this.alerting.function,
      ...(this.alerting.digestFunction && { digestFunction: this.alerting.digestFunction }),
      streamFailures: this.alerting.deadLetterQueue,
      topic: this.alerting.topic,
      dashboardName: `${this.stackName}-verifier`,
    });
    if (props.publicStatusPage) {
      this.statusPage = new StatusPage(this, 'StatusPage', { bucket: this.docs.bucket });
      new CfnOutput(this, 'StatusPageUrl', {
        description: "Each target's page is under <url>/<target>/",
        value: `https://${this.statusPage.distribution.distributionDomainName}`,
      });
    }

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AWS managed basic execution policy only lets a function write its own CloudWatch Logs.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'The AWS managed VPC access policy only lets a function in a VPC manage its network interfaces.',
      },
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'ReaderPolicyArn', {
      description: 'Attach to callers that read results (GET routes)',
      value: this.api.readerPolicy.managedPolicyArn,
    });
    new CfnOutput(this, 'RunnerPolicyArn', {
      description: 'Attach to callers that start runs (POST /runs) and read results',
      value: this.api.runnerPolicy.managedPolicyArn,
    });
    for (const t of this.targets) {
      // The default target keeps the output name it had before targets existed.
      const suffix = t.name === 'default' ? '' : targetConstructId(t.name).slice('Verifier'.length);
      new CfnOutput(this, `TargetSecretArn${suffix}`, {
        description: `Put target "${t.name}"'s tokens here, then enable the schedule`,
        value: t.verifier.secret.secretArn,
      });
      new CfnOutput(this, `ScheduleName${suffix}`, {
        description: `Target "${t.name}"'s schedule (${props.scheduleEnabled ? 'enabled' : 'disabled until -c scheduleEnabled=true'})`,
        value: t.verifier.schedule.scheduleName,
      });
      new CfnOutput(this, `VerifierFunctionName${suffix}`, { value: t.verifier.function.functionName });
    }
    new CfnOutput(this, 'DocsBucketName', { value: this.docs.bucket.bucketName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'StateTableName', { value: this.tables.state.tableName });
    new CfnOutput(this, 'DashboardName', { value: `${this.stackName}-verifier` });
  }
}
