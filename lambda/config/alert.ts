// The alert Lambda's configuration: read once per container from the environment, validated here.
import * as z from 'zod';

const envSchema = z.object({
  TOPIC_ARN: z
    .string({ error: 'TOPIC_ARN is not set: the stack sets it to the alert topic ARN' })
    .regex(
      /^arn:aws[\w-]*:sns:/,
      'TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
    ),
  IDEMPOTENCY_TABLE_NAME: z
    .string({ error: 'IDEMPOTENCY_TABLE_NAME is not set: the stack sets it to the idempotency table name' })
    .min(1, 'IDEMPOTENCY_TABLE_NAME is empty'),
});

export interface AlertConfig {
  readonly topicArn: string;
  readonly idempotencyTableName: string;
}

export class AlertConfigError extends Error {
  override readonly name = 'AlertConfigError';
}

export function loadAlertConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AlertConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => i.message).join('; ');
    throw new AlertConfigError(`alert Lambda configuration: ${problems}`);
  }
  return { topicArn: parsed.data.TOPIC_ARN, idempotencyTableName: parsed.data.IDEMPOTENCY_TABLE_NAME };
}
