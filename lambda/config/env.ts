// Reads and validates environment variables with zod, once, at cold start. The lambda/config/*
// modules are the only readers of process.env; handlers receive typed config.
import * as z from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Validates `env` against `schema`; the error names every bad variable and what was expected. */
export function readEnv<S extends z.ZodType>(schema: S, env: Env = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
  throw new ConfigError(
    `invalid Lambda environment: ${problems} (the stack sets these; redeploy or fix the function's env)`,
  );
}

export const nonEmpty = z.string().min(1);
export const intFrom = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
export const httpUrl = z.url({ protocol: /^https?$/ });

/** The alert topic's ARN (TOPIC_ARN), as the stack sets it. */
export const topicArn = z
  .string({ error: 'TOPIC_ARN is not set: the stack sets it to the alert topic ARN' })
  .regex(/^arn:aws[\w-]*:sns:/, 'TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)');

/** A table name variable the stack sets: its message names it and says what it is. */
export const tableName = (name: string, what: string) =>
  z.string({ error: `${name} is not set: the stack sets it to the ${what} name` }).min(1, `${name} is empty`);

/**
 * A variable holding JSON (a stack prop passed through), `fallback` when unset or empty; `expected`
 * says what the JSON must be when it does not parse. Pipe the result into the value's schema.
 */
export const jsonText = (fallback: unknown, expected: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return fallback;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
        return z.NEVER;
      }
    });

/** CloudWatch metric namespace and Powertools service names; the stack's alarms use the same. */
export const METRICS = {
  namespace: 'Verifier',
  verifierService: 'verifier',
  apiService: 'verifier-api',
} as const;
