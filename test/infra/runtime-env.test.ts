// The stack and the runtime agree on the environment: every variable a function's env sets is one its
// config reads, and the synthesized env parses into the config the stack means (fan-out limits,
// period, status page, metric dimensions, rules object). Guards against renames on either side.
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiEnvSchema, loadApiConfig } from '../../lambda/config/api.js';
import { loadVerifyConfig, VerifyEnvSchema } from '../../lambda/config/verify.js';
import type { TargetSettings } from '../../lib/constructs/verifier-target.js';
import { STAGING, synthStack } from './synth.js';

const TARGETS: TargetSettings[] = [
  STAGING,
  {
    name: 'prod',
    baseUrl: 'https://api.example.com/apigw',
    schedule: 'rate(1 hour)',
    rps: 20,
    concurrency: 8,
    openapi: {
      prefix: 'specs/prod/',
      refMap: { 'https://vcita.github.io/developers-hub/entities/': 'entities/' },
      strict: true,
    },
  },
];
/** Read by something other than lambda/config (Powertools reads its own). */
const READ_ELSEWHERE = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS'];

type Fn = { Properties: { Description?: string; Environment?: { Variables: Record<string, unknown> } } };
let functions: Fn[];

/** The env as Lambda would see it: CloudFormation references stand for plausible values. */
function resolved(vars: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => {
      if (typeof v === 'string') return [k, v];
      // Fn::Join of literals and references (VERIFIER_FUNCTIONS): each reference becomes a name.
      const join = (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (join) {
        return [k, join[1].map((part) => (typeof part === 'string' ? part : 'resolved-fn')).join(join[0])];
      }
      if (k === 'STATE_MACHINE_ARN') return [k, 'arn:aws:states:eu-west-1:123456789012:stateMachine:x'];
      if (k === 'TARGET_SECRET_ID') return [k, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x'];
      return [k, `resolved-${k.toLowerCase()}`];
    }),
  );
}
const byDescription = (prefix: string) =>
  functions.filter((f) => String(f.Properties.Description).startsWith(prefix));
const envOf = (f: Fn) => f.Properties.Environment?.Variables ?? {};

beforeAll(() => {
  const template = synthStack(
    {
      targets: TARGETS,
      conditionRules: [
        {
          name: 'suspended',
          condition: 'spam_flagged',
          endpoints: ['POST /v3/x'],
          status: 403,
          body: { equals: { code: 'x' } },
        },
      ],
    },
    { cfnValidation: false },
  ).template();
  functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Fn>);
}, 120_000);

describe('verifier functions', () => {
  it('set only variables the verifier config reads', () => {
    const read = new Set([...Object.keys(VerifyEnvSchema.shape), ...READ_ELSEWHERE]);
    for (const f of byDescription('Runs the workflow docs')) {
      // FAIL_AFTER/RECOVER_AFTER are set only with failAfter/recoverAfter (not here).
      expect(Object.keys(envOf(f)).filter((k) => !read.has(k))).toEqual([]);
    }
  });

  it('parse into the config the stack means', () => {
    const configs = byDescription('Runs the workflow docs').map((f) => loadVerifyConfig(resolved(envOf(f))));
    const prod = configs.find((c) => c.targetName === 'prod');
    expect(configs).toHaveLength(2);
    expect(prod).toMatchObject({
      rps: 20,
      concurrency: 8,
      periodMs: 60 * 60_000,
      // reserved concurrency 10, less the planner and one API run
      maxParallelShards: 8,
      statusBucket: 'resolved-status_bucket',
      statusPrefix: 'status/prod/',
      metricDimensions: { stack: 'Verifier', target: 'prod' },
      conditionRulesKey: 'config/condition-rules.json',
      lockName: 'verifier-run-prod',
      stopMarginMs: 60_000,
    });
    expect(prod?.stateMachineArn).toMatch(
      /^arn:.*:states:eu-west-1:123456789012:stateMachine:Verifier-prod-fanout$/,
    );
    expect(configs.find((c) => c.targetName === 'staging')?.periodMs).toBe(15 * 60_000);
    // Response contracts: the specs' prefix and $ref map as the stack's openapi prop gives them.
    expect(prod?.openapi).toEqual({
      prefix: 'specs/prod/',
      refMap: { 'https://vcita.github.io/developers-hub/entities/': 'entities/' },
      strict: true,
    });
    expect(configs.find((c) => c.targetName === 'staging')?.openapi).toBeUndefined();
  });
});

describe('API function', () => {
  it('sets only variables the API config reads, and parses with the stack dimension and the status page', () => {
    const [api] = byDescription('Verifier REST API');
    if (!api) throw new Error('no API function in the template');
    const read = new Set([...Object.keys(ApiEnvSchema.shape), ...READ_ELSEWHERE]);
    expect(Object.keys(envOf(api)).filter((k) => !read.has(k))).toEqual([]);
    expect(loadApiConfig(resolved(envOf(api)))).toMatchObject({
      metricDimensions: { stack: 'Verifier' },
      statusBucket: 'resolved-status_bucket',
      statusPrefix: 'status/staging/',
      statusPrefixes: { staging: 'status/staging/', prod: 'status/prod/' },
    });
    expect(loadApiConfig(resolved(envOf(api))).verifierFunctions).toEqual({
      staging: 'resolved-fn',
      prod: 'resolved-fn',
    });
  });
});
