// Extra business-condition rules kept in the bucket (the stack writes `config/condition-rules.json`:
// a rules list can outgrow Lambda's 4 KB of environment). Read once per container, validated here.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { type ConditionRule, conditionRuleSchema } from '../../engine/conditions/rules.js';

export class ConditionRulesError extends Error {
  override readonly name = 'ConditionRulesError';
}

export interface S3ConditionRulesOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
}

/** The rules in `s3://bucket/key` (a JSON array); throws, naming the object, when it is missing or invalid. */
export async function loadS3ConditionRules(options: S3ConditionRulesOptions): Promise<ConditionRule[]> {
  const where = `s3://${options.bucket}/${options.key}`;
  let text: string;
  try {
    const out = await options.client.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key }));
    text = (await out.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    throw new ConditionRulesError(
      `condition rules ${where}: cannot read (${(err as Error).name}: ${(err as Error).message}); the stack writes it from conditionRulesFile`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConditionRulesError(`condition rules ${where}: not JSON, expected a JSON array of rules`, {
      cause: err,
    });
  }
  const parsed = z.array(conditionRuleSchema).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ConditionRulesError(`condition rules ${where}: ${problems}`);
  }
  return parsed.data;
}
