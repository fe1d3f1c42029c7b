// Lambda configuration: read once from env, validated with zod, with errors that say how to fix them.
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../lambda/config/api.js';
import { loadVerifyConfig } from '../../lambda/config/verify.js';
import { DEFAULT_RULES } from '../../lambda/engine/conditions/rules.js';
import { DEFAULT_TARGET_RULES } from '../../lambda/engine/health/target-rules.js';

const verifyEnv = {
  STATE_TABLE_NAME: 'state',
  DOCS_BUCKET: 'docs-bucket',
  TARGET_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:target',
  TARGET_BASE_URL: 'https://api.example.com/apigw',
};

describe('verifier config', () => {
  it('applies the documented defaults', () => {
    expect(loadVerifyConfig(verifyEnv)).toEqual({
      authMatrix: 'off',
      tableName: 'state',
      docsBucket: 'docs-bucket',
      docsPrefix: 'docs/',
      testFilesPrefix: 'test-files/',
      secretId: verifyEnv.TARGET_SECRET_ID,
      baseUrl: 'https://api.example.com/apigw',
      concurrency: 4,
      rps: 5,
      timeoutMs: 30_000,
      allowDelete: false,
      failAfter: 2,
      recoverAfter: 1,
      retentionDays: 30,
      lockName: 'verifier-run',
      stopMarginMs: 60_000,
      secretMaxAgeSeconds: 300,
      rules: DEFAULT_RULES,
      targetRules: DEFAULT_TARGET_RULES,
      periodMs: 900_000,
      shardBudgetMs: 540_000,
      maxParallelShards: 10,
      targetName: 'default',
      runsPrefix: 'runs/',
      statusPrefix: 'status/',
      metricDimensions: { target: 'default' },
    });
  });

  it('reads the fan-out settings: period, shard budget, parallel shards, state machine, target name', () => {
    const config = loadVerifyConfig({
      ...verifyEnv,
      SCHEDULE_PERIOD_MINUTES: '60',
      SHARD_BUDGET_MS: '300000',
      MAX_PARALLEL_SHARDS: '4',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:verifier-staging',
      TARGET_NAME: 'staging',
    });
    expect(config).toMatchObject({
      periodMs: 3_600_000,
      shardBudgetMs: 300_000,
      maxParallelShards: 4,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:verifier-staging',
      targetName: 'staging',
    });
    expect(() => loadVerifyConfig({ ...verifyEnv, STATE_MACHINE_ARN: 'verifier-staging' })).toThrow(
      /STATE_MACHINE_ARN/,
    );
  });

  const rule = {
    name: 'suspended',
    condition: 'spam_flagged',
    endpoints: ['POST /v3/campaigns/{uid}/send'],
    status: 403,
    body: { equals: { code: 'account_suspended' } },
  };

  it('adds CONDITION_RULES to the documented rules', () => {
    const config = loadVerifyConfig({ ...verifyEnv, CONDITION_RULES: JSON.stringify([rule]) });
    expect(config.rules).toEqual([...DEFAULT_RULES, rule]);
  });

  it('names CONDITION_RULES when it is not JSON or not a rule', () => {
    expect(() => loadVerifyConfig({ ...verifyEnv, CONDITION_RULES: '[{' })).toThrow(
      /CONDITION_RULES: expected a JSON array of rules/,
    );
    expect(() =>
      loadVerifyConfig({ ...verifyEnv, CONDITION_RULES: JSON.stringify([{ ...rule, status: 'x' }]) }),
    ).toThrow(/CONDITION_RULES\.0\.status/);
  });

  it('reads what the stack sets', () => {
    const config = loadVerifyConfig({
      ...verifyEnv,
      TARGET_FALLBACK_URL: 'https://api.example.com/api2',
      TARGET_PARTNERS_URL: 'https://partners.example.com',
      CONCURRENCY: '10',
      RPS: '0',
      ALLOW_DELETE: 'true',
      STOP_MARGIN_MS: '30000',
      FAIL_AFTER: '3',
      RECOVER_AFTER: '2',
    });
    expect(config).toMatchObject({
      failAfter: 3,
      recoverAfter: 2,
      fallbackUrl: 'https://api.example.com/api2',
      partnersUrl: 'https://partners.example.com',
      concurrency: 10,
      rps: 0,
      allowDelete: true,
      stopMarginMs: 30_000,
    });
  });

  it('names every bad variable and how to fix it', () => {
    expect(() =>
      loadVerifyConfig({
        ...verifyEnv,
        TARGET_BASE_URL: 'ftp://x',
        CONCURRENCY: '0',
        DOCS_BUCKET: undefined,
      }),
    ).toThrow(
      /invalid Lambda environment: .*DOCS_BUCKET.*TARGET_BASE_URL.*CONCURRENCY.*\(the stack sets these; redeploy or fix the function's env\)/,
    );
  });
});

describe('API config', () => {
  it('needs the tables and the verifier function name', () => {
    expect(
      loadApiConfig({ STATE_TABLE_NAME: 's', IDEMPOTENCY_TABLE_NAME: 'i', VERIFIER_FUNCTION_NAME: 'fn' }),
    ).toEqual({
      tableName: 's',
      idempotencyTableName: 'i',
      verifierFunctionName: 'fn',
      verifierFunctions: {},
      retentionDays: 30,
      idempotencyTtlSeconds: 3600,
      statusPrefix: 'status/',
      statusPrefixes: {},
      metricDimensions: {},
    });
    expect(
      loadApiConfig({
        STATE_TABLE_NAME: 's',
        IDEMPOTENCY_TABLE_NAME: 'i',
        VERIFIER_FUNCTION_NAME: 'fn',
        VERIFIER_FUNCTIONS: '{"prod":"fn-prod"}',
      }).verifierFunctions,
    ).toEqual({ prod: 'fn-prod' });
    const base = { STATE_TABLE_NAME: 's', IDEMPOTENCY_TABLE_NAME: 'i', VERIFIER_FUNCTION_NAME: 'fn' };
    expect(
      loadApiConfig({ ...base, STATUS_PREFIXES: '{"staging":"status/staging/","prod":"status/prod/"}' })
        .statusPrefixes,
    ).toEqual({ staging: 'status/staging/', prod: 'status/prod/' });
    expect(() => loadApiConfig({ ...base, STATUS_PREFIXES: 'status/prod/' })).toThrow(/STATUS_PREFIXES/);
    expect(() => loadApiConfig({ STATE_TABLE_NAME: 's' })).toThrow(
      /IDEMPOTENCY_TABLE_NAME.*VERIFIER_FUNCTION_NAME/,
    );
  });
});
