// The fan-out state machine of one target: a run the planner cut into several shards runs them as
// a Distributed Map (each shard one invocation of the verifier function), then `finish` once.
//
// Execution input, written by the planner (the verifier function, `STATE_MACHINE_ARN`):
//   { runId, target, maxConcurrency, shards: [{ index, shardId, rps }, ...] }
// The planner sets maxConcurrency and each shard's rps so that maxConcurrency × rps ≤ the target's
// cap. Each shard's docs are in the run's plan.json in the docs bucket (RUNS_PREFIX), which the shard
// step reads: the input is a few bytes per shard, far under Step Functions' 256 KB at any plan size.
// Always a Distributed Map: an inline Map stops at 40 concurrent iterations and shares one 25,000-event
// history; a Distributed Map runs each shard as a child execution, so 2 shards or 2,000 look alike.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  type CfnStateMachine,
  DefinitionBody,
  DistributedMap,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { nagEnv } from './nag.js';

export interface FanOutProps {
  /** The verifier function: it runs each shard and finishes the run. */
  readonly verifier: IFunction;
  /** State machine name, unique in the account and region (the verifier's env holds its ARN). */
  readonly stateMachineName: string;
  /** Timeout of one shard invocation: the function's own timeout. */
  readonly shardTimeout: Duration;
  /** @default Duration.hours(24) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export class FanOut extends Construct {
  readonly stateMachine: StateMachine;
  /** Known at synth (built from the name), so the verifier can hold it without a dependency cycle. */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    super(scope, id);
    if (props.stateMachineName.length > 80)
      throw new Error(
        `state machine name "${props.stateMachineName}" has ${props.stateMachineName.length} characters, expected at most 80: shorten the stack or target name`,
      );
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const invoke = (name: string, payload: Record<string, unknown>) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: props.verifier,
        payload: TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        taskTimeout: Timeout.duration(props.shardTimeout.plus(Duration.minutes(1))),
      });

    const shard = invoke('RunShard', {
      kind: 'shard',
      runId: JsonPath.stringAt('$.runId'),
      target: JsonPath.stringAt('$.target'),
      shard: JsonPath.objectAt('$.shard'),
    });
    // One more attempt for a shard that failed or timed out, then its docs are recorded as failed.
    shard.addRetry({ errors: ['States.ALL'], maxAttempts: 1, interval: Duration.seconds(10) });
    const shardFailed = invoke('RecordShardFailed', {
      kind: 'shard-failed',
      runId: JsonPath.stringAt('$.runId'),
      target: JsonPath.stringAt('$.target'),
      shard: JsonPath.objectAt('$.shard'),
      error: JsonPath.objectAt('$.error'),
    });
    shardFailed.addRetry({ errors: ['States.ALL'], maxAttempts: 3, interval: Duration.seconds(5) });
    shard.addCatch(shardFailed, { errors: ['States.ALL'], resultPath: '$.error' });

    const shards = new DistributedMap(this, 'Shards', {
      itemsPath: JsonPath.stringAt('$.shards'),
      maxConcurrencyPath: JsonPath.stringAt('$.maxConcurrency'),
      itemSelector: {
        runId: JsonPath.stringAt('$.runId'),
        target: JsonPath.stringAt('$.target'),
        shard: JsonPath.stringAt('$$.Map.Item.Value'),
      },
      // Shards store their own results; the map's output would only grow toward the 256 KB limit.
      resultPath: JsonPath.DISCARD,
      label: 'Shards',
    });
    shards.itemProcessor(shard);

    const finish = invoke('Finish', {
      kind: 'finish',
      runId: JsonPath.stringAt('$.runId'),
      target: JsonPath.stringAt('$.target'),
      executionArn: JsonPath.stringAt('$$.Execution.Id'),
    });
    finish.addRetry({ errors: ['States.ALL'], maxAttempts: 3, interval: Duration.seconds(10) });
    // Even a map that failed as a whole (a shard-failed record that could not be written) finishes.
    shards.addCatch(finish, { errors: ['States.ALL'], resultPath: '$.mapError' });

    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(shards.next(finish)),
      timeout: props.timeout ?? Duration.hours(24),
      tracingEnabled: true,
      // Execution data holds run ids and doc names only; still, keep it out of the logs.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const fnId = Stack.of(this).getLogicalId(props.verifier.node.defaultChild as CfnFunction);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason: 'The LambdaInvoke tasks may invoke the verifier function and its versions only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) do not support resource-level permissions.',
      },
    );
    // CDK's Distributed Map policy: start, describe and stop this state machine's own child executions.
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    const { account, region } = nagEnv(Stack.of(this));
    const smId = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnStateMachine);
    const executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}`;
    if (mapPolicy)
      Validations.of(mapPolicy).acknowledge(
        ...[`${executions}:*`, `${executions}/Shards:*`].map((resource) => ({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            "Generated by aws-cdk-lib for the Distributed Map: it manages this state machine's own executions, whose ids are not known in advance.",
        })),
      );
  }
}
