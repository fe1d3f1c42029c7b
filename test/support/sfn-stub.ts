// Step Functions, the one AWS API here with no local server: a client that records each
// StartExecution request and answers with the execution's ARN (named after the run, as AWS does).
import type { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

export function recordingSfn(stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:fan') {
  const sent: StartExecutionCommand['input'][] = [];
  const client = {
    send: async (command: StartExecutionCommand) => {
      sent.push(command.input);
      return {
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${command.input.name}`,
      };
    },
  } as unknown as SFNClient;
  return { sent, client };
}
