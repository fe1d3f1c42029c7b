// The digest Lambda's configuration: read once per container from the environment, validated here.
import * as z from 'zod';

const envSchema = z.object({
  TOPIC_ARN: z
    .string({ error: 'TOPIC_ARN is not set: the stack sets it to the alert topic ARN' })
    .regex(
      /^arn:aws[\w-]*:sns:/,
      'TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
    ),
  STATE_TABLE_NAME: z
    .string({ error: 'STATE_TABLE_NAME is not set: the stack sets it to the state table name' })
    .min(1, 'STATE_TABLE_NAME is empty'),
});

export interface DigestConfig {
  readonly topicArn: string;
  readonly tableName: string;
}

export class DigestConfigError extends Error {
  override readonly name = 'DigestConfigError';
}

export function loadDigestConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DigestConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new DigestConfigError(
      `digest Lambda configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return { topicArn: parsed.data.TOPIC_ARN, tableName: parsed.data.STATE_TABLE_NAME };
}
