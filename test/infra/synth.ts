// Synthesizes the stack for template assertions. Bundling is skipped in these tests (the
// `aws:cdk:bundling-stacks` context), except where a test asks for it: `npx cdk synth` bundles for real.
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { TargetSettings } from '../../lib/constructs/verifier-target.js';
import { VerifierStack, type VerifierStackProps } from '../../lib/verifier-stack.js';

export const SEEDS = path.join(import.meta.dirname, '../../seeds');

export interface SynthOptions {
  readonly bundle?: boolean;
  readonly nag?: boolean;
  readonly extend?: (stack: VerifierStack) => void;
  /** aws-cdk-lib's built-in CloudFormation schema validation (a WASM engine, ~seconds to load). @default true */
  readonly cfnValidation?: boolean;
  /** Props built in the app before the stack exists (e.g. an imported VPC in a scope of its own). */
  readonly propsFrom?: (scope: Stack) => Partial<VerifierStackProps>;
}

export function synthStack(props: Partial<VerifierStackProps> = {}, options: SynthOptions = {}) {
  const app = new App({
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.cfnValidation ?? true,
  });
  const stack = new VerifierStack(app, 'Verifier', {
    env: { account: '123456789012', region: 'eu-west-1' },
    targets: [
      {
        name: 'default',
        baseUrl: 'https://api.example.com/apigw',
        fallbackUrl: 'https://api.example.com/api2',
        schedule: 'rate(15 minutes)',
        rps: 5,
        concurrency: 4,
      },
    ],
    ...props,
    ...options.propsFrom?.(
      new Stack(app, 'Imports', { env: { account: '123456789012', region: 'eu-west-1' } }),
    ),
  });
  options.extend?.(stack);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: () => Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Logical id of the resource of `type` whose properties match `predicate`. */
export function findId(
  template: Template,
  type: string,
  predicate: (p: Record<string, unknown>) => boolean,
  idPredicate: (logicalId: string) => boolean = () => true,
): string {
  const found = Object.entries(template.findResources(type) as Resources).filter(
    ([id, r]) => idPredicate(id) && predicate(r.Properties ?? {}),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  return (found[0] as [string, unknown])[0];
}

/** Every IAM action granted to the role of function `functionId` (through its policies). */
export function roleActions(
  template: Template,
  functionId: string,
): { actions: string[]; statements: Record<string, unknown>[] } {
  const fn = template.toJSON().Resources[functionId] as {
    Properties: { Role: { 'Fn::GetAtt': [string, string] } };
  };
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[]);
  return { actions: [...new Set(actions)].sort(), statements };
}

/** The first of the two-target tests' targets: a staging API every 15 minutes at the default cap. */
export const STAGING: TargetSettings = {
  name: 'staging',
  baseUrl: 'https://staging.example.com/apigw',
  schedule: 'rate(15 minutes)',
  rps: 5,
  concurrency: 4,
};
