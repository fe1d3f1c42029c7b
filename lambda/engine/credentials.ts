// The tokens file shape teams already keep, `{ "tokens": {...}, "params": {...} }`: one schema for the
// CLI's --tokens file and the Lambda's secret. Messages name the token type, never the value.
import * as z from 'zod';

/** What an Authorization header can carry: visible Latin-1 and inner spaces. */
const SENDABLE = /^[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/;

const token = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s !== '', 'is empty')
  .refine(
    (s) => SENDABLE.test(s),
    'holds characters an HTTP header cannot carry (a pasted curly quote or line break?); copy the token again',
  );

export const credentialsSchema = z.object({
  tokens: z.record(z.string(), token),
  params: z.record(z.string(), z.unknown()).default({}),
});
