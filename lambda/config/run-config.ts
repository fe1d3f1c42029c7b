// The settings every run takes, whichever edge produced them: `verifier run` flags and its config file
// (cli/run-config.ts), or the verifier Lambda's environment (lambda/config/verify.ts). One zod schema,
// so both validate alike and hand the runner the same `RunConfig`.
import * as z from 'zod';
import { conditionRuleSchema, DEFAULT_RULES } from '../engine/conditions/rules.js';
import { targetRuleSchema, withUserTargetRules } from '../engine/health/target-rules.js';
import { DEFAULTS } from '../engine/target.js';

/** An http(s) URL; the message shows an example of what is expected there. */
export const httpUrlLike = (example: string) =>
  z.url({ protocol: /^https?$/, error: `expected an http(s) URL such as ${example}` });

/** A whole number from `min`; digits in a string (flags, env) are read as the number. */
export const wholeNumber = (min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(min, `expected a whole number >= ${min}`)
      .max(1_000_000_000, 'expected a smaller number'),
  );

export const runConfigSchema = z.object({
  baseUrl: httpUrlLike('https://host/apigw'),
  fallbackUrl: httpUrlLike('https://host/api2').optional(),
  partnersUrl: httpUrlLike('https://api.host').optional(),
  concurrency: wholeNumber(1).default(DEFAULTS.concurrency),
  rps: wholeNumber(0).default(DEFAULTS.rps),
  timeoutMs: wholeNumber(1).default(DEFAULTS.timeoutMs),
  allowDelete: z.boolean().default(false),
  /** Endpoint health: consecutive fail/error runs that open a doc's incident, passes that close it. */
  failAfter: wholeNumber(1).default(2),
  recoverAfter: wholeNumber(1).default(1),
  /** Extra business-condition rules; the parsed config holds the documented defaults first. */
  rules: z
    .array(conditionRuleSchema)
    .default([])
    .transform((extra) => [...DEFAULT_RULES, ...extra]),
  /** Target-condition rules (endpoint health); the parsed config holds the defaults, overridden by name. */
  targetRules: z.array(targetRuleSchema).default([]).transform(withUserTargetRules),
});

/** Where a run sends its requests and how hard: the same for the CLI and the Lambda. */
export type RunConfig = z.infer<typeof runConfigSchema>;
