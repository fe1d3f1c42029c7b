// Everything one target owns: its verifier function (secret, schedules, on-failure queue), its
// fan-out state machine. Targets share the stack's tables, bucket and topic.
// Not a construct layer of its own: the `default` target's function and secret keep the logical ids
// they had before targets existed, so an upgrade does not replace the secret (and lose its value).
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { FanOut } from './fan-out.js';
import { VerifierFunction, type VerifierFunctionProps } from './verifier-function.js';

export type { TargetSettings, VpcPlacement } from './verifier-function.js';

export interface VerifierTargetProps
  extends Omit<VerifierFunctionProps, 'statusPrefix' | 'metricDimensions'> {
  /** Name of the stack, part of the metric dimensions and the state machine name. */
  readonly stackName: string;
}

/** The construct id of a target: the `default` target keeps the id it had before targets existed. */
export const targetConstructId = (name: string) =>
  name === 'default'
    ? 'Verifier'
    : `Verifier${name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}`;

export class VerifierTarget {
  readonly name: string;
  readonly verifier: VerifierFunction;
  readonly fanOut: FanOut;
  /** Metric dimensions of this target's runtime metrics. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statusPrefix: string;
  /** The target checks response contracts against specs in the bucket (its `openapi` setting). */
  readonly checksContracts: boolean;

  constructor(scope: Construct, props: VerifierTargetProps) {
    const id = targetConstructId(props.target.name);
    this.name = props.target.name;
    this.statusPrefix = `status/${this.name}/`;
    this.dimensions = { stack: props.stackName, target: this.name };
    this.checksContracts = props.target.openapi !== undefined;
    this.verifier = new VerifierFunction(scope, id, {
      ...props,
      statusPrefix: this.statusPrefix,
      metricDimensions: { METRICS_STACK: props.stackName },
    });
    this.fanOut = new FanOut(scope, `${id}FanOut`, {
      verifier: this.verifier.function,
      stateMachineName: `${props.stackName}-${this.name}-fanout`,
      shardTimeout: this.verifier.timeout,
    });
    const fn = this.verifier.function;
    fn.addEnvironment('STATE_MACHINE_ARN', this.fanOut.stateMachineArn);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.fanOut.stateMachineArn] }),
    );
  }
}
