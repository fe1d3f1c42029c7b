// The alert Lambda's configuration: read once per container from the environment, validated here.
import * as z from 'zod';
import { type Env, readEnv, tableName, topicArn } from './env.js';

const envSchema = z.object({
  TOPIC_ARN: topicArn,
  IDEMPOTENCY_TABLE_NAME: tableName('IDEMPOTENCY_TABLE_NAME', 'idempotency table'),
});

export interface AlertConfig {
  readonly topicArn: string;
  readonly idempotencyTableName: string;
}

export function loadAlertConfig(env: Env = process.env): AlertConfig {
  const e = readEnv(envSchema, env);
  return { topicArn: e.TOPIC_ARN, idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME };
}
