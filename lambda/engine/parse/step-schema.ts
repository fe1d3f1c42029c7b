// The step schema (FORMAT.md §3), validated once with zod; the Step type is built only from parsed output.
import * as z from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const ON_FAIL = ['abort', 'skip', 'continue', 'warn'] as const;
/** Longest wait a step may ask for; longer is a `sleep-too-long` error and is capped. */
export const MAX_SLEEP_MS = 60_000;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const statusNumber = z.number().int().min(100).max(599);
/** `200` or `"200"`: authors quote statuses now and then. */
const statusCode = z.union([
  statusNumber,
  z
    .string()
    .regex(/^\s*\d{3}\s*$/)
    .transform(Number)
    .pipe(statusNumber),
]);
const record = z.record(z.string(), z.unknown());

const FileFieldSchema = z.object({
  field_name: z.string().min(1),
  file_path: z.string().min(1),
  filename: z.string().nullish(),
  content_type: z.string().nullish(),
});

const contentType = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['json', 'application/json', 'multipart', 'multipart/form-data']))
  .transform((v): 'json' | 'multipart' => (v.startsWith('multipart') ? 'multipart' : 'json'));

export const StepSchema = z.object({
  id: z.union([z.string().trim().min(1), z.number()]).transform((v) => String(v)),
  description: z.string().nullish(),
  method: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .pipe(z.enum(HTTP_METHODS)),
  path: z.string().min(1),
  token: z.string().trim().min(1).nullish(),
  params: record.nullish(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), scalar).nullish(),
  x_on_behalf_of: z.boolean().nullish(),
  useFallback: z.boolean().nullish(),
  useFallbackApi: z.boolean().nullish(),
  content_type: contentType.nullish(),
  form_fields: record.nullish(),
  file_fields: z.array(FileFieldSchema).nullish(),
  extract: z.record(z.string(), z.string()).nullish(),
  expect: z.object({ status: z.union([statusCode, z.array(statusCode)]).nullish() }).nullish(),
  onFail: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(ON_FAIL))
    .nullish(),
  skipReason: z.string().nullish(),
  sleep: z.number().min(0).nullish(),
});

export type StepInput = z.output<typeof StepSchema>;

export const STEP_KEYS: ReadonlySet<string> = new Set(Object.keys(StepSchema.shape));
export const EXPECT_KEYS: ReadonlySet<string> = new Set(['status']);

/** What each top-level key should hold, for messages that say what was expected. */
export const EXPECTED: Readonly<Record<string, string>> = {
  id: 'a non-empty string naming the step',
  description: 'a string',
  method: `one of ${HTTP_METHODS.join(', ')}`,
  path: 'a string starting with "/"',
  token: 'a token type such as staff, directory, admin',
  params: 'a map of query parameters',
  headers: 'a map of header names to strings',
  x_on_behalf_of: 'true or false',
  useFallback: 'true or false',
  useFallbackApi: 'true or false',
  content_type: 'json or multipart',
  form_fields: 'a map of form field names to values',
  file_fields: 'a list of { field_name, file_path, filename? }',
  extract: 'a map of variable names to JSONPath strings such as "$.data.id"',
  expect: 'expect: { status: 200 } or { status: [200, 201] } with HTTP statuses 100-599',
  onFail: `one of ${ON_FAIL.join(', ')}`,
  skipReason: 'a string',
  sleep: `milliseconds, a number from 0 to ${MAX_SLEEP_MS}`,
};
