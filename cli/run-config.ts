// `verifier run` configuration: flags merged over an optional `--config FILE` (flags win), validated
// once with zod. Every problem is a usage error whose message names the flag.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { type ConditionRule, conditionRuleSchema, DEFAULT_RULES } from '../lambda/engine/conditions/rules.js';
import { credentialsSchema } from '../lambda/engine/credentials.js';
import type { Credentials } from '../lambda/engine/target.js';
import { DEFAULTS } from '../lambda/engine/target.js';

/** Options as commander hands them over (strings, repeatable lists); nothing validated yet. */
export interface RunCliOptions {
  docs?: string;
  baseUrl?: string;
  fallbackUrl?: string;
  partnersUrl?: string;
  tokens?: string;
  include?: string[];
  domain?: string[];
  tag?: string[];
  doc?: string[];
  allowDelete?: boolean;
  concurrency?: string | number;
  rps?: string | number;
  timeoutMs?: string | number;
  deadlineMs?: string | number;
  state?: string;
  report?: string[];
  alertWebhook?: string;
  config?: string;
  testFiles?: string;
}

export interface RunConfig {
  readonly docs: string;
  readonly baseUrl: string;
  readonly fallbackUrl?: string;
  readonly partnersUrl?: string;
  readonly credentials: Credentials;
  readonly include: ('pending' | 'failed')[];
  readonly domains: string[];
  readonly tags: string[];
  readonly docGlobs: string[];
  readonly allowDelete: boolean;
  readonly concurrency: number;
  readonly rps: number;
  readonly timeoutMs: number;
  readonly deadlineMs?: number;
  readonly state: string;
  readonly reports: { kind: 'json' | 'junit' | 'html'; file: string }[];
  readonly alertWebhook?: string;
  readonly testFiles?: string;
  /** Business-condition rules: the documented defaults, then the config file's `rules`. */
  readonly rules: readonly ConditionRule[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAG: Record<string, string> = {
  docs: '--docs',
  baseUrl: '--base-url',
  fallbackUrl: '--fallback-url',
  partnersUrl: '--partners-url',
  tokens: '--tokens',
  include: '--include',
  domain: '--domain',
  tag: '--tag',
  doc: '--doc',
  allowDelete: '--allow-delete',
  concurrency: '--concurrency',
  rps: '--rps',
  timeoutMs: '--timeout-ms',
  deadlineMs: '--deadline-ms',
  state: '--state',
  report: '--report',
  alertWebhook: '--alert-webhook',
  testFiles: '--test-files',
  /** Config file only: extra business-condition rules. */
  rules: 'rules',
};

const list = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);
const int = (min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(min, `expected a whole number >= ${min}`)
      .max(1_000_000_000, 'expected a smaller number'),
  );
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://host/apigw' });

/** The merged options, before defaults. Keys are the camelCase flag names (a config file may use either). */
const mergedSchema = z
  .object({
    docs: z.string().min(1).optional(),
    baseUrl: httpUrl,
    fallbackUrl: httpUrl.optional(),
    partnersUrl: httpUrl.optional(),
    tokens: z.string().min(1, 'expected a path to a tokens JSON file'),
    include: list
      .pipe(z.array(z.enum(['pending', 'failed'], { error: 'expected pending and/or failed' })))
      .optional(),
    domain: list.optional(),
    tag: list.optional(),
    // Globs may hold commas (`{a,b}`): never split.
    doc: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    allowDelete: z.boolean().optional(),
    concurrency: int(1).optional(),
    rps: int(0).optional(),
    timeoutMs: int(1).optional(),
    deadlineMs: int(1).optional(),
    state: z.string().min(1).optional(),
    report: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^(json|junit|html)=.+/, 'expected json=FILE, junit=FILE or html=FILE')))
      .optional(),
    alertWebhook: httpUrl.optional(),
    testFiles: z.string().min(1).optional(),
    rules: z.array(conditionRuleSchema).optional(),
  })
  .strict();

const tokensFileSchema = credentialsSchema;

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const PATH_KEYS = ['docs', 'tokens', 'state', 'testFiles'] as const;

function readJson(file: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${flag}: ${file} is not valid JSON`);
  }
}

/** A config file's values; relative paths in it are relative to the file. */
function readConfigFile(file: string): Record<string, unknown> {
  const raw = readJson(file, '--config');
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`--config: ${file} must hold a JSON object of run options`);
  }
  const base = dirname(resolve(file));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = camel(k);
    if (key === 'config') throw new UsageError('--config: a config file cannot name another config file');
    if (!(key in FLAG)) throw new UsageError(`--config: unknown option "${k}" in ${file}`);
    out[key] = (PATH_KEYS as readonly string[]).includes(key) && typeof v === 'string' ? resolve(base, v) : v;
  }
  if (Array.isArray(out.report)) {
    out.report = out.report.map((r: unknown) =>
      typeof r === 'string' && /^(json|junit)=/.test(r)
        ? r.replace(/=(.*)$/, (_, f: string) => `=${resolve(base, f)}`)
        : r,
    );
  }
  return out;
}

function usageFrom(error: z.ZodError, input: Record<string, unknown>): UsageError {
  const issue = error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = FLAG[key] ?? (key ? `--${key}` : 'options');
  if (key === 'rules') {
    const where = issue?.path
      .slice(1)
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    return new UsageError(`--config: rules${where}: ${issue?.message ?? 'invalid rule'}`);
  }
  if (issue?.code === 'unrecognized_keys') return new UsageError(`unknown option: ${issue.keys.join(', ')}`);
  const message = issue?.code === 'invalid_type' && input[key] === undefined ? 'is required' : issue?.message;
  return new UsageError(`${flag}: ${message ?? 'invalid value'}`);
}

/** Flags over config file, validated; throws UsageError naming the flag. */
export function resolveRunConfig(opts: RunCliOptions): RunConfig {
  const fromFile = opts.config ? readConfigFile(opts.config) : {};
  const fromFlags = Object.fromEntries(
    Object.entries(opts).filter(
      ([k, v]) => k !== 'config' && v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
  const merged = { ...fromFile, ...fromFlags };
  const parsed = mergedSchema.safeParse(merged);
  if (!parsed.success) throw usageFrom(parsed.error, merged);
  const m = parsed.data;

  const docs = resolve(m.docs ?? 'seeds');
  if (!existsSync(docs) || !statSync(docs).isDirectory())
    throw new UsageError(`--docs: folder not found: ${docs}`);
  const tokensFile = tokensFileSchema.safeParse(readJson(m.tokens, '--tokens'));
  if (!tokensFile.success) {
    const issue = tokensFile.error.issues[0];
    throw new UsageError(
      `--tokens: ${m.tokens} must look like {"tokens":{"staff":"..."},"params":{"business_id":"..."}} (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  let testFiles = m.testFiles ? resolve(m.testFiles) : undefined;
  if (testFiles && !existsSync(testFiles))
    throw new UsageError(`--test-files: folder not found: ${testFiles}`);
  if (!testFiles) {
    // Beside the docs (seeds/test-files) or next to the docs root (docs/ + test-files/).
    testFiles = [resolve(docs, 'test-files'), resolve(docs, '..', 'test-files')].find((d) => existsSync(d));
  }
  return {
    docs,
    baseUrl: m.baseUrl,
    ...(m.fallbackUrl ? { fallbackUrl: m.fallbackUrl } : {}),
    ...(m.partnersUrl ? { partnersUrl: m.partnersUrl } : {}),
    credentials: tokensFile.data,
    include: m.include ?? [],
    domains: m.domain ?? [],
    tags: m.tag ?? [],
    docGlobs: m.doc ?? [],
    allowDelete: m.allowDelete ?? false,
    concurrency: m.concurrency ?? DEFAULTS.concurrency,
    rps: m.rps ?? DEFAULTS.rps,
    timeoutMs: m.timeoutMs ?? DEFAULTS.timeoutMs,
    ...(m.deadlineMs !== undefined ? { deadlineMs: m.deadlineMs } : {}),
    state: resolve(m.state ?? '.verifier'),
    reports: (m.report ?? []).map((r) => {
      const eq = r.indexOf('=');
      return { kind: r.slice(0, eq) as 'json' | 'junit' | 'html', file: resolve(r.slice(eq + 1)) };
    }),
    ...(m.alertWebhook ? { alertWebhook: m.alertWebhook } : {}),
    ...(testFiles ? { testFiles } : {}),
    rules: [...DEFAULT_RULES, ...(m.rules ?? [])],
  };
}
