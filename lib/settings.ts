// The CDK app's settings: every `-c key=value` (and the files they name) validated once with zod.
// A bad value fails synth with one line per problem: the setting, what was received, what is expected.
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as z from 'zod';
import { conditionRuleSchema } from '../lambda/engine/conditions/rules.js';
import type { TargetSettings } from './constructs/verifier-target.js';
import type { VerifierStackProps } from './verifier-stack.js';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const SCHEDULE =
  /^(rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const isHttpsUrl = (v: string) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
};

// Context values arrive as strings from `-c`, as JSON values from cdk.json or a targets file.
const httpsUrl = z.string().refine(isHttpsUrl, { message: 'expected an https:// URL' });
const wholeNumber = (min: number) =>
  z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
      z
        .number({ message: `expected a whole number ≥ ${min}` })
        .int({ message: `expected a whole number ≥ ${min}` }),
    )
    .refine((n) => n >= min, { message: `expected a whole number ≥ ${min}` });
const bool = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ message: 'expected true or false' }),
);
const scheduleExpression = z.string().regex(SCHEDULE, {
  message: 'expected rate(N minutes|hours|days), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)',
});
const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/Paris' });
const keyPrefix = z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, {
  message: 'expected a key prefix ending in /, e.g. docs/',
});
const splitList = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : v;

export const targetSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, {
      message: 'expected lowercase letters, digits and dashes, starting with a letter (at most 24)',
    }),
    baseUrl: httpsUrl,
    fallbackUrl: httpsUrl.optional(),
    partnersUrl: httpsUrl.optional(),
    schedule: scheduleExpression.default('rate(15 minutes)'),
    timeZone: timeZone.optional(),
    schedulePeriodMinutes: wholeNumber(1).optional(),
    rps: wholeNumber(0).default(5),
    concurrency: wholeNumber(1).default(4),
    docsPrefix: keyPrefix.optional(),
    failAfter: wholeNumber(1).optional(),
    recoverAfter: wholeNumber(1).optional(),
    authMatrix: z
      .object({
        schedule: scheduleExpression,
        mode: z.enum(['get', 'all'], { message: 'expected get or all' }).optional(),
      })
      .strict()
      .optional(),
    openapi: z
      .object({
        prefix: keyPrefix.optional(),
        refMap: z
          .record(z.string(), keyPrefix)
          .refine((m) => Object.keys(m).every((url) => /^https?:\/\/\S+$/.test(url)), {
            message: 'expected http(s) URL prefixes as keys, e.g. { "https://host/entities/": "entities/" }',
          })
          .optional(),
        strict: bool.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.schedule.startsWith('cron(') && t.schedulePeriodMinutes === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['schedulePeriodMinutes'],
        message:
          'expected the minutes between runs when the schedule is a cron() (the missing-run alarm needs it)',
      });
  });

const targetsSchema = z.array(targetSchema).min(1, { message: 'expected at least one target' });

/** Issues for target names given twice (checked on the raw file, so it is reported with other problems). */
function duplicateNames(json: unknown): z.core.$ZodIssue[] {
  if (!Array.isArray(json)) return [];
  const seen = new Set<unknown>();
  return json.flatMap((t, i) => {
    const name = (t as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return [];
    const dup = seen.has(name);
    seen.add(name);
    return dup
      ? [
          {
            code: 'custom',
            path: [i, 'name'],
            message: 'expected unique target names',
            input: name,
          } as z.core.$ZodIssue,
        ]
      : [];
  });
}

const alertRouteSchema = z
  .object({
    email: z.email().optional(),
    url: httpsUrl.optional(),
    types: z.array(z.string().min(1)).min(1).optional(),
    domains: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((r) => (r.email === undefined) !== (r.url === undefined), {
    message: 'expected exactly one of email or url',
  });

/** Reads a JSON file named by setting `key`; a problem is pushed and undefined returned when it cannot. */
function readJson(key: string, file: string, problems: string[]): unknown {
  if (!existsSync(file)) {
    problems.push(`${key}: received "${file}", expected a JSON file that exists`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${key}: "${file}" is not JSON (${(e as Error).message})`);
    return undefined;
  }
}

const show = (v: unknown) =>
  typeof v === 'string' ? `"${v}"` : v === undefined ? 'nothing' : JSON.stringify(v);
const at = (value: unknown, path: readonly PropertyKey[]) =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    value,
  );

/** One line per zod issue: `<where> <field>: received <value>, <expected>`. */
function describe(
  error: z.ZodError,
  input: unknown,
  where: (path: readonly PropertyKey[]) => string,
): string[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `${where(i.path)}: unknown setting(s) ${i.keys.join(', ')}`;
    return `${where(i.path)}: received ${show(at(input, i.path))}, ${i.message}`;
  });
}

const SINGLE_TARGET_KEYS = [
  'baseUrl',
  'fallbackUrl',
  'partnersUrl',
  'schedule',
  'timeZone',
  'schedulePeriodMinutes',
  'rps',
  'concurrency',
  'failAfter',
  'recoverAfter',
] as const;

export type Context = (key: string) => unknown;

/**
 * Turns the app's context into stack props, or throws a SettingsError listing every problem.
 * Targets come from `-c targetsFile=targets.json` or the single-target flags (`-c baseUrl=...`).
 */
export function readSettings(ctx: Context): VerifierStackProps & { readonly stackName: string } {
  const problems: string[] = [];
  const raw = (key: string) => {
    const v = ctx(key);
    return v === '' || v === null ? undefined : v;
  };
  const parse = <T>(key: string, schema: z.ZodType<T>): T | undefined => {
    const v = raw(key);
    if (v === undefined) return undefined;
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    problems.push(...describe(r.error, v, () => key));
    return undefined;
  };

  const example = parse('example', bool) ?? false;
  let targets: TargetSettings[] | undefined;
  const targetsFile = parse('targetsFile', z.string());
  if (targetsFile !== undefined) {
    const clash = SINGLE_TARGET_KEYS.filter((k) => raw(k) !== undefined);
    if (clash.length)
      problems.push(
        `targetsFile: received it together with ${clash.join(', ')}, expected one or the other (put them in the file)`,
      );
    const json = readJson('targetsFile', targetsFile, problems);
    if (json !== undefined) {
      const r = targetsSchema.safeParse(json);
      const issues = [...(r.error?.issues ?? []), ...duplicateNames(json)];
      if (r.success && issues.length === 0) targets = r.data;
      else
        problems.push(
          ...describe(new z.ZodError(issues), json, (path) => {
            const [i, ...field] = path;
            if (typeof i !== 'number') return `targetsFile ${targetsFile}`;
            const name = at(json, [i, 'name']);
            const who = typeof name === 'string' ? `target "${name}" (#${i + 1})` : `target #${i + 1}`;
            return `targetsFile ${targetsFile}: ${who}${field.length ? ` ${field.join('.')}` : ''}`;
          }),
        );
    }
  } else if (raw('baseUrl') !== undefined || !example) {
    const input: Record<string, unknown> = { name: raw('targetName') ?? 'default' };
    for (const k of SINGLE_TARGET_KEYS) if (raw(k) !== undefined) input[k] = raw(k);
    if (input.baseUrl === undefined) {
      problems.push(
        'baseUrl: received nothing, expected the https:// URL of the API to verify (-c baseUrl=https://host/apigw), or -c targetsFile=targets.json (or -c example=true to synthesize the example target)',
      );
    } else {
      const r = targetSchema.safeParse(input);
      if (r.success) targets = [r.data];
      else problems.push(...describe(r.error, input, (path) => path.join('.')));
    }
  } else {
    targets = [
      {
        name: 'default',
        baseUrl: 'https://api.example.com/apigw',
        schedule: 'rate(15 minutes)',
        rps: 5,
        concurrency: 4,
      },
    ];
  }

  const docsPath = parse('docsPath', z.string());
  if (docsPath !== undefined && !(existsSync(docsPath) && statSync(docsPath).isDirectory()))
    problems.push(`docsPath: received "${docsPath}", expected a folder of workflow docs that exists`);
  const specsPath = parse('specsPath', z.string());
  if (specsPath !== undefined && !(existsSync(specsPath) && statSync(specsPath).isDirectory()))
    problems.push(
      `specsPath: received "${specsPath}", expected a folder of OpenAPI/Swagger specs that exists`,
    );

  let conditionRules: VerifierStackProps['conditionRules'];
  const rulesFile = parse('conditionRulesFile', z.string());
  if (rulesFile !== undefined) {
    const json = readJson('conditionRulesFile', rulesFile, problems);
    if (json !== undefined) {
      const r = z.array(conditionRuleSchema).safeParse(json);
      if (r.success) conditionRules = r.data;
      else
        problems.push(...describe(r.error, json, (p) => `conditionRulesFile ${rulesFile} [${p.join('.')}]`));
    }
  }

  let alertRoutes: VerifierStackProps['alertRoutes'];
  const routesFile = parse('alertRoutesFile', z.string());
  if (routesFile !== undefined) {
    const json = readJson('alertRoutesFile', routesFile, problems);
    if (json !== undefined) {
      const r = z.array(alertRouteSchema).safeParse(json);
      if (r.success) alertRoutes = r.data;
      else problems.push(...describe(r.error, json, (p) => `alertRoutesFile ${routesFile} [${p.join('.')}]`));
    }
  }
  const parseList = <T>(key: string, item: z.ZodType<T>): T[] | undefined => {
    const v = splitList(raw(key));
    if (v === undefined) return undefined;
    const r = z.array(item, { message: 'expected a comma-separated list' }).safeParse(v);
    if (r.success) return r.data;
    problems.push(...describe(r.error, v, () => key));
    return undefined;
  };
  const alertEmails = parseList('alertEmails', z.email({ message: 'expected an email address' }));
  const alertUrls = parseList('alertUrls', httpsUrl);
  const retentionDays = parse('retentionDays', wholeNumber(1));
  const allowDelete = parse('allowDelete', bool);
  const scheduleEnabled = parse('scheduleEnabled', bool);
  const publicStatusPage = parse('publicStatusPage', bool);
  const digestSchedule = parse(
    'digestSchedule',
    z
      .string()
      .regex(/^(cron|rate)\(.+\)$/, { message: 'expected cron(...) or rate(...), e.g. cron(0 8 * * ? *)' }),
  );
  const stackName = parse(
    'stackName',
    z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { message: 'expected a CloudFormation stack name' }),
  );

  if (problems.length || !targets) throw new SettingsError(problems);
  return {
    stackName: stackName ?? 'Verifier',
    targets,
    ...(docsPath !== undefined && { docsPath }),
    ...(specsPath !== undefined && { specsPath }),
    ...(conditionRules && { conditionRules }),
    alertRoutes: [
      ...(alertEmails ?? []).map((email) => ({ email })),
      ...(alertUrls ?? []).map((url) => ({ url })),
      ...(alertRoutes ?? []),
    ],
    ...(retentionDays !== undefined && { retentionDays }),
    ...(allowDelete !== undefined && { allowDelete }),
    ...(scheduleEnabled !== undefined && { scheduleEnabled }),
    ...(publicStatusPage !== undefined && { publicStatusPage }),
    ...(digestSchedule !== undefined && { digest: { schedule: digestSchedule } }),
  };
}
