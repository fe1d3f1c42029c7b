// The digest Lambda's configuration: read once per container from the environment, validated here.
import * as z from 'zod';
import { type Env, readEnv, tableName, topicArn } from './env.js';

const envSchema = z.object({
  TOPIC_ARN: topicArn,
  STATE_TABLE_NAME: tableName('STATE_TABLE_NAME', 'state table'),
});

export interface DigestConfig {
  readonly topicArn: string;
  readonly tableName: string;
}

export function loadDigestConfig(env: Env = process.env): DigestConfig {
  const e = readEnv(envSchema, env);
  return { topicArn: e.TOPIC_ARN, tableName: e.STATE_TABLE_NAME };
}
