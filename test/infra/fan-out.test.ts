// The fan-out state machine: a valid ASL definition (asl-validator), a Distributed Map over the
// planner's shards with MaxConcurrency from the input, one retry then a recorded shard failure, and
// a finish task; the verifier holds its ARN and may start it.
import { createRequire } from 'node:module';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { findId, roleActions, synthStack } from './synth.js';

// asl-validator ships no types.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator: string) => string;
};
type State = Record<string, unknown> & { Type: string };
let template: Template;
let definition: { StartAt: string; States: Record<string, State> };
let verifierId: string;

/** The DefinitionString with every CloudFormation token replaced by a plausible literal. */
function renderDefinition(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref === 'AWS::Partition') return 'aws';
      return 'arn:aws:lambda:eu-west-1:123456789012:function:verifier';
    })
    .join('');
}

beforeAll(() => {
  template = synthStack({}, { cfnValidation: false }).template();
  const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(sm).toHaveLength(1);
  const props = (sm[0] as { Properties: Record<string, unknown> }).Properties;
  definition = JSON.parse(renderDefinition(props.DefinitionString));
  verifierId = findId(template, 'AWS::Lambda::Function', (p) =>
    String(p.Description).startsWith('Runs the workflow docs'),
  );
});

describe('fan-out state machine', () => {
  it('is a valid Amazon States Language definition', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('is a Standard state machine named after the stack and target, logged and traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'Verifier-default-fanout',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('maps over $.shards as a Distributed Map whose MaxConcurrency comes from the plan', () => {
    expect(definition.StartAt).toBe('Shards');
    const map = definition.States.Shards as State;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.shards',
      MaxConcurrencyPath: '$.maxConcurrency',
      ResultPath: null,
      ItemSelector: { 'runId.$': '$.runId', 'target.$': '$.target', 'shard.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'RunShard',
      },
      Next: 'Finish',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'Finish' }],
    });
  });

  it('runs each shard in the verifier, retries once, then records the shard as failed', () => {
    const states = (
      definition.States.Shards as unknown as { ItemProcessor: { States: Record<string, State> } }
    ).ItemProcessor.States;
    expect(states.RunShard).toMatchObject({
      Type: 'Task',
      // payloadResponseOnly: the task's Resource is the function itself, its Parameters the payload.
      Resource: expect.stringContaining(':function:'),
      Parameters: { kind: 'shard', 'runId.$': '$.runId', 'target.$': '$.target', 'shard.$': '$.shard' },
      TimeoutSeconds: 960,
      // Lambda's own service errors (throttling) are retried as CDK does by default; a shard that
      // failed or timed out gets exactly one more attempt.
      Retry: expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }),
      ]),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordShardFailed' }],
    });
    expect(states.RecordShardFailed).toMatchObject({
      Type: 'Task',
      Parameters: { kind: 'shard-failed', 'runId.$': '$.runId', 'shard.$': '$.shard', 'error.$': '$.error' },
      End: true,
    });
  });

  it('finishes the run once, with the execution id', () => {
    expect(definition.States.Finish).toMatchObject({
      Type: 'Task',
      Parameters: { kind: 'finish', 'runId.$': '$.runId', 'executionArn.$': '$$.Execution.Id' },
      End: true,
    });
  });

  it('the state machine may invoke the verifier; the verifier may start only this state machine', () => {
    const smRole = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('VerifierFanOutStateMachineRoleDefaultPolicy'),
    );
    expect(JSON.stringify(smRole?.[1])).toContain('lambda:InvokeFunction');
    const { statements } = roleActions(template, verifierId);
    const start = statements.filter((s) => s.Action === 'states:StartExecution');
    expect(start).toEqual([
      expect.objectContaining({
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':states:eu-west-1:123456789012:stateMachine:Verifier-default-fanout',
            ],
          ],
        },
      }),
    ]);
  });
});
