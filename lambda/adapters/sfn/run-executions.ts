// Starts the fan-out state machine (lib/constructs/fan-out.ts) for one run. The execution is named
// after the run, so a redelivered start of the same run is answered by Step Functions itself
// (same name and input: the same execution) instead of running the shards twice.
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

export class RunExecutionError extends Error {
  override readonly name = 'RunExecutionError';
}

export interface RunExecutions {
  /** Returns the execution ARN. */
  start(runId: string, input: unknown): Promise<string>;
}

export interface SfnRunExecutionsOptions {
  readonly client: SFNClient;
  readonly stateMachineArn: string;
}

/** Execution names allow letters, digits, `-` and `_`, at most 80 characters. */
export const executionName = (runId: string): string => runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);

export function createSfnRunExecutions(options: SfnRunExecutionsOptions): RunExecutions {
  return {
    async start(runId, input) {
      try {
        const out = await options.client.send(
          new StartExecutionCommand({
            stateMachineArn: options.stateMachineArn,
            name: executionName(runId),
            input: JSON.stringify(input),
          }),
        );
        return out.executionArn ?? '';
      } catch (e) {
        throw new RunExecutionError(
          `cannot start the fan-out of run ${runId} on ${options.stateMachineArn}: ${(e as Error).name}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
  };
}
