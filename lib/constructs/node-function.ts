// One place for how this project's Lambda functions are built: nodejs22.x on arm64, bundled locally
// with esbuild (no Docker) as lib/lambda-bundle.ts says, with a log group that has a retention.
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, type SubnetSelection, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLE } from '../lambda-bundle.js';

export const REPO_ROOT = path.join(import.meta.dirname, '../..');
export const handlerEntry = (name: string) => path.join(REPO_ROOT, 'lambda/handlers', `${name}.ts`);

export interface NodeFunctionProps {
  /** Handler module name under lambda/handlers/ (without `.ts`). */
  readonly handler: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** @default - not in a VPC */
  readonly vpc?: {
    readonly vpc: IVpc;
    readonly subnets?: SubnetSelection;
    readonly securityGroups?: readonly ISecurityGroup[];
  };
}

export function createNodeFunction(scope: Construct, id: string, props: NodeFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: handlerEntry(props.handler),
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(30),
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    environment: props.environment,
    ...(props.reservedConcurrentExecutions !== undefined && {
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    }),
    ...(props.vpc && {
      vpc: props.vpc.vpc,
      vpcSubnets: props.vpc.subnets ?? { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      ...(props.vpc.securityGroups && { securityGroups: [...props.vpc.securityGroups] }),
    }),
    bundling: {
      forceDockerBundling: false,
      minify: LAMBDA_BUNDLE.minify,
      sourceMap: false,
      format: OutputFormat.CJS,
      target: LAMBDA_BUNDLE.target,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      externalModules: [...LAMBDA_BUNDLE.external],
      esbuildArgs: {
        '--alias': Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
      },
      // esbuild errors still throw; its size report would break `cdk synth -q`.
      logLevel: LogLevel.ERROR,
    },
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x on arm64 is the runtime this project is built and tested for (tsconfig/esbuild target node22).',
  });
  return fn;
}
