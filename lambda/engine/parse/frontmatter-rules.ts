// What each frontmatter key may hold (FORMAT.md §2): a zod schema, the words a finding uses, and how
// much a wrong value matters. A frontmatter whose every key is plainly of its kind is read without
// zod (readPlainly): the whole-frontmatter safeParse was a good part of parsing a doc's header. It
// only ever says "valid", giving the value the schema gives; anything else goes to zod, whose verdict
// makes the findings. test/engine/frontmatter-rules.test.ts holds the two to the same output.
import * as z from 'zod';

/** Marks a value the fast reading does not vouch for (zod decides). */
const NO = Symbol('not plainly valid');
type Read<T> = T | typeof NO;

export interface KeyRule<T> {
  readonly schema: z.ZodType<T>;
  /** The value `schema` reads, when `v` is plainly valid; NO otherwise. */
  readonly plain: (v: unknown) => Read<T>;
  readonly expected: string;
  /** Errors only where a wrong value changes how the doc runs. */
  readonly severity: 'error' | 'warning';
}

const rule = <T>(
  schema: z.ZodType<T>,
  plain: (v: unknown) => Read<T>,
  expected: string,
  severity: 'error' | 'warning' = 'warning',
): KeyRule<T> => ({ schema, plain, expected, severity });

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nullable =
  <T>(read: (v: unknown) => Read<T>) =>
  (v: unknown): Read<T | null> =>
    v === null ? null : read(v);
const string = (v: unknown): Read<string> => (typeof v === 'string' ? v : NO);
const boolean = (v: unknown): Read<boolean> => (typeof v === 'boolean' ? v : NO);
/** A string, number or boolean as a string (zod's numbers are finite). */
const scalarText = (v: unknown): Read<string> =>
  typeof v === 'string' || typeof v === 'boolean' || finite(v) ? String(v) : NO;
const list =
  <T>(item: (v: unknown) => Read<T>) =>
  (v: unknown): Read<T[]> => {
    if (!Array.isArray(v)) return NO;
    const out: T[] = [];
    for (const x of v) {
      const r = item(x);
      if (r === NO) return NO;
      out.push(r);
    }
    return out;
  };
/** zod's `.int()`: a safe integer. */
const int = (v: unknown): Read<number> => (Number.isSafeInteger(v) ? (v as number) : NO);

const scalarTextSchema = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const statusList = z
  .union([z.number().int(), z.array(z.number().int())])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const text = rule(z.string().nullable(), nullable(string), 'a string');
const isoDate = rule(
  z.union([z.string(), z.number()]).nullable(),
  nullable((v) => (typeof v === 'string' || finite(v) ? v : NO)),
  'an ISO date string or empty',
);
const strings = (expected: string) =>
  rule(z.array(scalarTextSchema).nullable(), nullable(list(scalarText)), expected);
const flag = (severity: 'error' | 'warning') =>
  rule(z.boolean().nullable(), nullable(boolean), 'true or false', severity);

export const RULES = {
  endpoint: rule(z.string(), string, 'a string "METHOD /path"'),
  domain: rule(scalarTextSchema, scalarText, 'a string'),
  tags: strings('a list of strings'),
  swagger: text,
  status: rule(scalarTextSchema, scalarText, 'a string', 'error'),
  savedAt: isoDate,
  verifiedAt: isoDate,
  timesReused: rule(
    z.number().nullable(),
    nullable((v) => (finite(v) ? v : NO)),
    'a number',
  ),
  tokens: strings('a list of token types'),
  useFallbackApi: flag('error'),
  expectedOutcome: rule(
    statusList.nullable(),
    nullable((v) => (Array.isArray(v) ? list(int)(v) : ((n) => (n === NO ? NO : [n]))(int(v)))),
    'an HTTP status, a list of statuses, or empty',
  ),
  expectedOutcomeReason: text,
  requiresTestData: flag('warning'),
  testDataDescription: text,
  skipReason: text,
  notes: text,
};

export const FRONTMATTER_KEYS: ReadonlySet<string> = new Set(Object.keys(RULES));

/** Every rule at once: one validation for a frontmatter with no finding (the per-key rules run only after a miss). */
export const ALL_RULES = z.object(
  Object.fromEntries(Object.entries(RULES).map(([key, r]) => [key, (r.schema as z.ZodType).optional()])),
);

/** ALL_RULES.parse(data) when every known key of `data` is plainly valid; otherwise undefined. */
export function readPlainly(data: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(RULES) as [string, KeyRule<unknown>][]) {
    if (!Object.hasOwn(data, key)) continue;
    const value = r.plain(data[key]);
    if (value === NO) return undefined;
    out[key] = value;
  }
  return out;
}
