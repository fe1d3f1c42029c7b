// The docs bucket: versioned, SSL only, no public access. Docs are deployed under `docs/`, the
// files multipart steps upload under `test-files/`, and (with `specsPath`) the OpenAPI/Swagger specs
// the docs' `swagger:` fields point at under `specs/` (a target's `openapi` prop reads them).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ConditionRule } from '../../lambda/engine/conditions/rules.js';

export const DOCS_PREFIX = 'docs/';
export const TEST_FILES_PREFIX = 'test-files/';
export const CONDITION_RULES_KEY = 'config/condition-rules.json';
export const SPECS_PREFIX = 'specs/';

export interface DocsBucketProps {
  /** Folder of workflow docs to deploy under `docs/` (the stack passes seeds/ by default). */
  readonly docsPath: string;
  /** Folder of test files for multipart steps, deployed under `test-files/`. @default - `<docsPath>/test-files` */
  readonly testFilesPath?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Extra business-condition rules, stored as `config/condition-rules.json` (too big for an env var). @default - none */
  readonly conditionRules?: readonly ConditionRule[];
  /** Days an overwritten or deleted object version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Folder of OpenAPI/Swagger specs (and the entities they `$ref`) to deploy under `specs/`. @default - none */
  readonly specsPath?: string;
}

export class DocsBucket extends Construct {
  readonly bucket: Bucket;
  readonly docsPrefix = DOCS_PREFIX;
  readonly testFilesPrefix = TEST_FILES_PREFIX;
  /** Set when condition rules were given. */
  readonly conditionRulesKey?: string;

  constructor(scope: Construct, id: string, props: DocsBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'OldVersions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket only holds docs deployed from source control; versioning keeps their history. Access logs would add a second bucket for no audit value.',
    });

    // The deployments share one provider function; this is its log group.
    const logGroup = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const docs = new BucketDeployment(this, 'DeployDocs', {
      sources: [Source.asset(props.docsPath, { exclude: ['test-files', 'test-files/**'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: DOCS_PREFIX,
      prune: true,
      logGroup,
    });
    if (props.conditionRules?.length) {
      const slash = CONDITION_RULES_KEY.lastIndexOf('/');
      new BucketDeployment(this, 'DeployConditionRules', {
        sources: [Source.jsonData(CONDITION_RULES_KEY.slice(slash + 1), props.conditionRules)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: CONDITION_RULES_KEY.slice(0, slash + 1),
        prune: true,
        logGroup,
      });
      this.conditionRulesKey = CONDITION_RULES_KEY;
    }
    if (props.specsPath) {
      new BucketDeployment(this, 'DeploySpecs', {
        sources: [Source.asset(props.specsPath)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: SPECS_PREFIX,
        prune: true,
        logGroup,
      });
    }
    // A docs folder without test files (no multipart steps) deploys none.
    const testFilesPath = props.testFilesPath ?? path.join(props.docsPath, 'test-files');
    if (existsSync(testFilesPath)) {
      const files = new BucketDeployment(this, 'DeployTestFiles', {
        sources: [Source.asset(testFilesPath)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: TEST_FILES_PREFIX,
        prune: true,
        logGroup,
      });
      files.node.addDependency(docs);
    }

    // BucketDeployment's provider function is a stack-level singleton managed by CDK.
    for (const provider of Stack.of(this).node.children.filter((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    )) {
      const stack = Stack.of(this);
      const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
      const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
      const reason =
        'CDK-managed BucketDeployment provider: it copies the docs asset into this bucket (read the asset, write/delete under the prefix); its policy and runtime are generated by aws-cdk-lib.';
      Validations.of(provider).acknowledge(
        { id: 'AwsSolutions-L1', reason },
        { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason },
        { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason },
        { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason },
        { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason },
        { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
          reason,
        },
        {
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
          reason,
        },
      );
    }
  }
}
