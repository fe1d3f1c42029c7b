// What the verifier reads at cold start besides its env: the condition rules object the stack puts in
// the bucket (s3rver), and the metric dimensions the stack's alarms watch.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVerifyConfig } from '../../lambda/config/verify.js';
import { DEFAULT_RULES } from '../../lambda/engine/conditions/rules.js';
import { createVerifierMetrics, withBucketRules } from '../../lambda/handlers/verify.js';
import { createBucket, createS3Client } from '../support/aws-services.js';

const s3 = createS3Client();
let bucket: string;
const env = () => ({
  STATE_TABLE_NAME: 'state',
  DOCS_BUCKET: bucket,
  TARGET_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:target',
  TARGET_BASE_URL: 'https://api.example.com/apigw',
});
const fromEnv = {
  name: 'from-env',
  condition: 'spam_flagged',
  endpoints: ['POST /v3/messages'],
  status: 403,
  body: { equals: { code: 'spam' } },
} as const;
const fromBucket = {
  name: 'suspended',
  condition: 'spam_flagged',
  endpoints: ['POST /v3/campaigns/{uid}/send'],
  status: 403,
  body: { equals: { code: 'account_suspended' } },
} as const;

beforeAll(async () => {
  bucket = await createBucket(s3, 'rules');
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'config/condition-rules.json',
      Body: JSON.stringify([fromBucket]),
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'config/bad.json', Body: '[{"name":"x"}]' }));
});

describe('condition rules from the bucket (CONDITION_RULES_KEY)', () => {
  it('adds the object’s rules after the documented rules and CONDITION_RULES', async () => {
    const config = loadVerifyConfig({
      ...env(),
      CONDITION_RULES: JSON.stringify([fromEnv]),
      CONDITION_RULES_KEY: 'config/condition-rules.json',
    });
    const withRules = await withBucketRules(config, s3);
    expect(withRules.rules.map((r) => r.name)).toEqual([
      ...DEFAULT_RULES.map((r) => r.name),
      'from-env',
      'suspended',
    ]);
    expect(withRules.rules.at(-1)).toMatchObject(fromBucket);
  });

  it('reads nothing without the key', async () => {
    const config = loadVerifyConfig(env());
    expect(await withBucketRules(config, s3)).toBe(config);
  });

  it('fails the cold start, naming the object, when it is missing or invalid', async () => {
    await expect(
      withBucketRules(loadVerifyConfig({ ...env(), CONDITION_RULES_KEY: 'config/none.json' }), s3),
    ).rejects.toThrow(`condition rules s3://${bucket}/config/none.json: cannot read (NoSuchKey`);
    await expect(
      withBucketRules(loadVerifyConfig({ ...env(), CONDITION_RULES_KEY: 'config/bad.json' }), s3),
    ).rejects.toThrow(new RegExp(`condition rules s3://${bucket}/config/bad.json: 0\\.condition: `));
  });
});

describe('metric dimensions', () => {
  it('every verifier metric carries service, stack and target', () => {
    const config = loadVerifyConfig({ ...env(), METRICS_STACK: 'Verifier', TARGET_NAME: 'prod' });
    const metrics = createVerifierMetrics(config);
    metrics.addMetric('RunsCompleted', 'Count', 1);
    const emf = metrics.serializeMetrics();
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stack', 'target']]);
    expect(emf).toMatchObject({ service: 'verifier', stack: 'Verifier', target: 'prod', RunsCompleted: 1 });
  });

  it('without METRICS_STACK (local runs) the target dimension is still there', () => {
    expect(loadVerifyConfig(env()).metricDimensions).toEqual({ target: 'default' });
  });
});
