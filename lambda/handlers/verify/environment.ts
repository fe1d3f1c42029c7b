// The verifier's composition root: config from the Lambda environment, SDK clients, adapters. Built
// once per container (verify.ts caches it).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoAlertOutbox } from '../../adapters/dynamodb/alert-outbox.js';
import { partitionOf } from '../../adapters/dynamodb/partition.js';
import { createDynamoStateStore } from '../../adapters/dynamodb/state-store.js';
import { createUndiciHttpClient } from '../../adapters/http/undici-client.js';
import { loadS3ConditionRules } from '../../adapters/s3/condition-rules.js';
import { createS3DocSource } from '../../adapters/s3/doc-source.js';
import { createS3RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import { createS3StatusPage } from '../../adapters/s3/status-page.js';
import { createS3TestFiles } from '../../adapters/s3/test-files.js';
import { createSecretCredentials } from '../../adapters/secrets/credentials.js';
import { createSfnRunExecutions } from '../../adapters/sfn/run-executions.js';
import { METRICS } from '../../config/env.js';
import { loadVerifyConfig, type VerifyConfig } from '../../config/verify.js';
import type { HttpClient } from '../../engine/ports.js';
import { runPromisesFromConfig } from '../run-promises.js';
import { createVerifyHandler } from './handler.js';
import type { VerifyHandler } from './types.js';

/** The verifier's metrics: every one carries the stack's and the target's dimensions (the alarms watch them). */
export function createVerifierMetrics(config: Pick<VerifyConfig, 'metricDimensions'>): Metrics {
  return new Metrics({
    namespace: METRICS.namespace,
    serviceName: METRICS.verifierService,
    defaultDimensions: { ...config.metricDimensions },
  });
}

/** The config's rules plus those in the bucket (CONDITION_RULES_KEY), read once per container. */
export async function withBucketRules(config: VerifyConfig, s3: S3Client): Promise<VerifyConfig> {
  if (!config.conditionRulesKey) return config;
  const extra = await loadS3ConditionRules({
    client: s3,
    bucket: config.docsBucket,
    key: config.conditionRulesKey,
  });
  return { ...config, rules: [...config.rules, ...extra] };
}

export async function fromEnvironment(): Promise<VerifyHandler> {
  const s3 = new S3Client({});
  const config = await withBucketRules(loadVerifyConfig(), s3);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const logger = new Logger({ serviceName: METRICS.verifierService });
  const metrics = createVerifierMetrics(config);
  // One client per cap: a shard runs at its share of the target's cap, a one-shard run at all of it.
  const clients = new Map<number, HttpClient>();
  const httpFor = (rps: number): HttpClient => {
    let client = clients.get(rps);
    if (!client) {
      client = createUndiciHttpClient({ rps, timeoutMs: config.timeoutMs });
      clients.set(rps, client);
    }
    return client;
  };
  return createVerifyHandler({
    config,
    alerts: createDynamoAlertOutbox({
      client: dynamo,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
    }),
    store: createDynamoStateStore({
      client: dynamo,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
      skipUnchangedDocStates: true,
      // Each target's runs, doc states and health in its own partition of the table (TARGET_NAME).
      partition: partitionOf(config.targetName),
    }),
    docs: createS3DocSource({ client: s3, bucket: config.docsBucket, prefix: config.docsPrefix }),
    testFiles: createS3TestFiles({ client: s3, bucket: config.docsBucket, prefix: config.testFilesPrefix }),
    credentials: createSecretCredentials({
      client: new SecretsManagerClient({}),
      secretId: config.secretId,
      maxAgeSeconds: config.secretMaxAgeSeconds,
    }),
    http: httpFor(config.rps),
    ...(config.statusBucket && {
      statusPage: createS3StatusPage({
        client: s3,
        bucket: config.statusBucket,
        prefix: config.statusPrefix,
      }),
    }),
    logger,
    metrics,
    promises: runPromisesFromConfig(config, s3, logger, metrics),
    ...(config.stateMachineArn && {
      fanOut: {
        executions: createSfnRunExecutions({
          client: new SFNClient({}),
          stateMachineArn: config.stateMachineArn,
        }),
        artifacts: createS3RunArtifacts({ client: s3, bucket: config.docsBucket, prefix: config.runsPrefix }),
        httpFor,
      },
    }),
  });
}
