// `verifier run` configuration: flags merged over an optional `--config FILE` (flags win), validated
// once with zod into the shared `RunConfig` (lambda/config/run-config.ts) plus what only the CLI has.
// Every problem is a usage error naming the flag (or the config file and its key), checked before
// anything starts: paths that cannot be read or written are found here, not halfway through a run.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import * as z from 'zod';
import type { RefMapping } from '../lambda/adapters/openapi/ref-map.js';
import { httpUrlLike, type RunConfig, runConfigSchema, wholeNumber } from '../lambda/config/run-config.js';
import { credentialsSchema } from '../lambda/engine/credentials.js';
import type { Credentials } from '../lambda/engine/target.js';
import { checkOpenapiDir, refMappings } from './openapi-flags.js';
import { UsageError } from './usage-error.js';

export { UsageError } from './usage-error.js';

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
  failAfter?: string | number;
  recoverAfter?: string | number;
  deadlineMs?: string | number;
  state?: string;
  report?: string[];
  alertWebhook?: string;
  config?: string;
  testFiles?: string;
  exclude?: string[];
  allowEmpty?: boolean;
  bail?: boolean;
  verbose?: boolean;
  /** `--auth-matrix` alone is `true` (= get). */
  authMatrix?: string | boolean;
  openapi?: string;
  openapiRefMap?: string[];
  contract?: string;
  writeBack?: boolean;
  promote?: boolean;
  dryRun?: boolean;
}

/** What a doc promises beyond its status codes (README): the CLI's switches for those checks. */
export interface CliPromiseConfig {
  readonly authMatrix: 'off' | 'get' | 'all';
  /** `--openapi DIR` and its ref map (DIRs resolved). */
  readonly openapi?: {
    readonly dir: string;
    readonly refMap: readonly RefMapping[];
    readonly strict: boolean;
  };
  readonly writeBack?: { readonly promote: boolean; readonly dryRun: boolean };
}

/** The CLI's run: the shared run settings, the docs and state folders, filters and the CLI's own switches. */
export interface CliRunConfig extends RunConfig {
  /** The docs root. */
  readonly docs: string;
  /** `--docs file.md`: the one doc (its id under `docs`) to run. */
  readonly onlyDoc?: string;
  readonly credentials: Credentials;
  readonly include: ('pending' | 'failed')[];
  readonly domains: string[];
  readonly tags: string[];
  readonly docGlobs: string[];
  readonly exclude: string[];
  readonly deadlineMs?: number;
  readonly state: string;
  readonly reports: { kind: 'json' | 'junit' | 'html'; file: string }[];
  readonly alertWebhook?: string;
  readonly testFiles?: string;
  readonly allowEmpty: boolean;
  readonly bail: boolean;
  readonly verbose: boolean;
  readonly promises: CliPromiseConfig;
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
  failAfter: '--fail-after',
  recoverAfter: '--recover-after',
  deadlineMs: '--deadline-ms',
  state: '--state',
  report: '--report',
  alertWebhook: '--alert-webhook',
  testFiles: '--test-files',
  exclude: '--exclude',
  allowEmpty: '--allow-empty',
  bail: '--bail',
  verbose: '--verbose',
  authMatrix: '--auth-matrix',
  openapi: '--openapi',
  openapiRefMap: '--openapi-ref-map',
  contract: '--contract',
  writeBack: '--write-back',
  promote: '--promote',
  dryRun: '--dry-run',
  /** Config file only: extra business-condition rules. */
  rules: 'rules',
  /** Config file only: target-condition rules (a default's name replaces it). */
  targetRules: 'targetRules',
};

const list = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);
/** The merged options, before defaults. Keys are the camelCase flag names (a config file may use either). */
const globs = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .optional();
const mergedSchema = runConfigSchema
  .extend({
    docs: z.string().min(1).optional(),
    tokens: z.string().min(1, 'expected a path to a tokens JSON file').optional(),
    include: list
      .pipe(z.array(z.enum(['pending', 'failed'], { error: 'expected pending and/or failed' })))
      .optional(),
    domain: list.optional(),
    tag: list.optional(),
    // Globs may hold commas (`{a,b}`): never split.
    doc: globs,
    exclude: globs,
    deadlineMs: wholeNumber(1).optional(),
    state: z.string().min(1).optional(),
    report: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^(json|junit|html)=.+/, 'expected json=FILE, junit=FILE or html=FILE')))
      .optional(),
    alertWebhook: httpUrlLike('https://hooks.example.com/verifier').optional(),
    testFiles: z.string().min(1).optional(),
    allowEmpty: z.boolean().optional(),
    bail: z.boolean().optional(),
    verbose: z.boolean().optional(),
    authMatrix: z
      .union([z.literal(true), z.enum(['off', 'get', 'all'])], {
        error: 'expected get or all (no value: get)',
      })
      .transform((v) => (v === true ? 'get' : v))
      .optional(),
    openapi: z.string().min(1, 'expected the folder of OpenAPI specs').optional(),
    openapiRefMap: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    contract: z
      .enum(['strict'], { error: 'expected strict (without it, drifts are reported only)' })
      .optional(),
    writeBack: z.boolean().optional(),
    promote: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const PATH_KEYS = ['docs', 'tokens', 'state', 'testFiles', 'openapi'] as const;

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
  // `URL=DIR` keeps its URL; DIR is relative to the file.
  if (out.openapiRefMap !== undefined) {
    out.openapiRefMap = (Array.isArray(out.openapiRefMap) ? out.openapiRefMap : [out.openapiRefMap]).map(
      (r: unknown) =>
        typeof r === 'string' && r.indexOf('=') > 0
          ? r.replace(/=(.*)$/, (_, d: string) => `=${resolve(base, d)}`)
          : r,
    );
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

function usageFrom(error: z.ZodError, input: Record<string, unknown>, configFile?: string): UsageError {
  const issue = error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = FLAG[key] ?? (key ? `--${key}` : 'options');
  if (key === 'rules' || key === 'targetRules') {
    const where = issue?.path
      .slice(1)
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    return new UsageError(`--config: ${key}${where}: ${issue?.message ?? 'invalid rule'}`);
  }
  if (issue?.code === 'unrecognized_keys') return new UsageError(`unknown option: ${issue.keys.join(', ')}`);
  const message = issue?.code === 'invalid_type' && input[key] === undefined ? 'is required' : issue?.message;
  // A value the config file gave (no flag overrode it): name the file and its key.
  const where = configFile && input[key] !== undefined ? `--config ${configFile}: "${key}"` : flag;
  return new UsageError(`${where}: ${message ?? 'invalid value'}`);
}

/** The code of a file-system error, for messages (`ENOTDIR`, `EACCES`). */
const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';

/** A folder the run will write to: created now, so a file in the way is a usage error before the run. */
function ensureFolder(dir: string, flag: string, what: string): void {
  let isFile = false;
  try {
    isFile = statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false;
  } catch {
    // ENOTDIR: a file further up; mkdir below says so.
  }
  if (isFile) throw new UsageError(`${flag}: ${dir} is a file; expected a folder for ${what}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      `${flag}: cannot create the folder ${dir} for ${what} (${codeOf(err)}: a file is in the way or it is not writable)`,
    );
  }
}

/**
 * For a schema parsed once per process: zod's eval-compiled fast path for objects costs more to build
 * (a few ms on the CLI's start) than it saves on one parse.
 */
const ONCE = { jitless: true } as const;

/** What the caller already holds instead of a flag (`verifier start` passes the sandbox's tokens in memory). */
export interface RunPresets {
  readonly credentials?: Credentials;
}

/** Flags over config file, validated; throws UsageError naming the flag. */
export function resolveRunConfig(opts: RunCliOptions, presets: RunPresets = {}): CliRunConfig {
  const fromFile = opts.config ? readConfigFile(opts.config) : {};
  const fromFlags = Object.fromEntries(
    Object.entries(opts).filter(
      ([k, v]) => k !== 'config' && v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
  const merged = { ...fromFile, ...fromFlags };
  const parsed = mergedSchema.safeParse(merged, ONCE);
  if (!parsed.success) {
    const fileOnly = Object.fromEntries(
      Object.keys(fromFile)
        .filter((k) => !(k in fromFlags))
        .map((k) => [k, true]),
    );
    const issueKey = String(parsed.error.issues[0]?.path[0] ?? '');
    throw usageFrom(parsed.error, merged, fileOnly[issueKey] ? opts.config : undefined);
  }
  const m = parsed.data;

  let docs = resolve(m.docs ?? 'seeds');
  let onlyDoc: string | undefined;
  const docsInfo = statSync(docs, { throwIfNoEntry: false });
  if (!docsInfo) throw new UsageError(`--docs: folder not found: ${docs}`);
  if (!docsInfo.isDirectory()) {
    if (!docs.toLowerCase().endsWith('.md'))
      throw new UsageError(`--docs: ${docs} is a file; expected a folder of *.md docs or one *.md doc`);
    onlyDoc = basename(docs);
    docs = dirname(docs);
  }
  const credentials = presets.credentials ?? readCredentials(m.tokens);
  let testFiles = m.testFiles ? resolve(m.testFiles) : undefined;
  if (testFiles && !existsSync(testFiles))
    throw new UsageError(`--test-files: folder not found: ${testFiles}`);
  if (!testFiles) {
    // Beside the docs (seeds/test-files) or next to the docs root (docs/ + test-files/).
    testFiles = [resolve(docs, 'test-files'), resolve(docs, '..', 'test-files')].find((d) => existsSync(d));
  }
  const state = resolve(m.state ?? '.verifier');
  ensureFolder(state, '--state', 'the state');
  const reports = (m.report ?? []).map((r) => {
    const eq = r.indexOf('=');
    return { kind: r.slice(0, eq) as 'json' | 'junit' | 'html', file: resolve(r.slice(eq + 1)) };
  });
  for (const r of reports) {
    const flag = `--report ${r.kind}=${r.file}`;
    ensureFolder(dirname(r.file), flag, 'the report');
    if (statSync(r.file, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`${flag}: ${r.file} is a folder; expected a file path`);
  }
  const promises = promiseConfig(m);
  return {
    docs,
    ...(onlyDoc ? { onlyDoc } : {}),
    baseUrl: m.baseUrl,
    ...(m.fallbackUrl ? { fallbackUrl: m.fallbackUrl } : {}),
    ...(m.partnersUrl ? { partnersUrl: m.partnersUrl } : {}),
    credentials,
    include: m.include ?? [],
    domains: m.domain ?? [],
    tags: m.tag ?? [],
    docGlobs: m.doc ?? [],
    exclude: m.exclude ?? [],
    allowDelete: m.allowDelete,
    concurrency: m.concurrency,
    rps: m.rps,
    timeoutMs: m.timeoutMs,
    failAfter: m.failAfter,
    recoverAfter: m.recoverAfter,
    ...(m.deadlineMs !== undefined ? { deadlineMs: m.deadlineMs } : {}),
    state,
    reports,
    ...(m.alertWebhook ? { alertWebhook: m.alertWebhook } : {}),
    ...(testFiles ? { testFiles } : {}),
    rules: m.rules,
    targetRules: m.targetRules,
    allowEmpty: m.allowEmpty ?? false,
    bail: m.bail ?? false,
    verbose: m.verbose ?? false,
    promises,
  };
}

/** The promise checks' switches; combinations that make no sense are usage errors naming the flag. */
function promiseConfig(m: z.infer<typeof mergedSchema>): CliPromiseConfig {
  if (m.contract && !m.openapi)
    throw new UsageError(
      '--contract: strict needs --openapi DIR (the specs the responses are checked against)',
    );
  if (m.openapiRefMap?.length && !m.openapi)
    throw new UsageError('--openapi-ref-map: needs --openapi DIR (the specs whose $refs it maps)');
  if (m.promote && !m.writeBack) throw new UsageError('--promote: needs --write-back');
  if (m.dryRun && !m.writeBack) throw new UsageError('--dry-run: needs --write-back');
  let openapi: CliPromiseConfig['openapi'];
  if (m.openapi) {
    const dir = resolve(m.openapi);
    checkOpenapiDir(dir);
    openapi = {
      dir,
      refMap: refMappings(m.openapiRefMap ?? [], process.cwd()),
      strict: m.contract === 'strict',
    };
  }
  return {
    authMatrix: m.authMatrix ?? 'off',
    ...(openapi ? { openapi } : {}),
    ...(m.writeBack ? { writeBack: { promote: m.promote ?? false, dryRun: m.dryRun ?? false } } : {}),
  };
}

function readCredentials(file: string | undefined): Credentials {
  if (file === undefined) throw new UsageError('--tokens: is required');
  const tokensFile = credentialsSchema.safeParse(readJson(file, '--tokens'), ONCE);
  if (!tokensFile.success) {
    const issue = tokensFile.error.issues[0];
    throw new UsageError(
      `--tokens: ${file} must look like {"tokens":{"staff":"..."},"params":{"business_id":"..."}} (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return tokensFile.data;
}
