// `verifier lint [PATH...]`: static checks of docs, no network. One line per finding, compiler style.
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as z from 'zod';
import type { RefMapping } from '../lambda/adapters/openapi/load-specs.js';
import { type LintContext, lintDoc } from '../lambda/engine/lint/lint.js';
import type { Finding, ParsedDoc } from '../lambda/engine/model.js';
import { DOCUMENTED_PARAMS } from '../lambda/engine/names.js';
import { parseDoc } from '../lambda/engine/parse/parse-doc.js';
import { lintContracts } from '../lambda/engine/promises/lint-contracts.js';
import { fallbackEndpoints } from '../lambda/engine/run/routing.js';
import { type Ignored, listDocs } from './doc-selection.js';
import { checkOpenapiDir, loadOperationIndex, refMappings } from './openapi.js';
import { UsageError } from './usage-error.js';

export interface LintCommandOptions {
  readonly tokens?: string;
  readonly format?: 'text' | 'json';
  readonly exclude?: readonly string[];
  readonly allowEmpty?: boolean;
  /** Where each step's operation lives among the specs under this folder. */
  readonly openapi?: string;
  readonly openapiRefMap?: readonly string[];
}

export interface LintIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** A doc to lint: its id (relative to the folder given) and its path as the user wrote it. */
interface Source {
  readonly id: string;
  readonly display: string;
  readonly text: string;
}

const TokensFile = z.object({ params: z.record(z.string(), z.unknown()).optional() });

/** Runs lint and returns the exit code: 0 clean or warnings only, 1 any error, 2 usage error. */
export async function lintCommand(
  paths: readonly string[],
  opts: LintCommandOptions,
  io: LintIo,
): Promise<number> {
  let sources: Source[];
  let paramNames: Set<string>;
  let refMap: RefMapping[] = [];
  try {
    if (opts.openapiRefMap?.length && !opts.openapi)
      throw new UsageError('--openapi-ref-map: needs --openapi DIR (the specs whose $refs it maps)');
    if (opts.openapi) {
      checkOpenapiDir(resolve(opts.openapi));
      refMap = refMappings(opts.openapiRefMap ?? [], process.cwd());
    }
    paramNames = new Set<string>([...DOCUMENTED_PARAMS, ...(await readParamNames(opts.tokens))]);
    const found = await collect(paths.length > 0 ? paths : ['seeds/'], opts.exclude ?? []);
    sources = found.sources;
    for (const i of found.ignored) io.stderr(`ignored ${i.id}: ${i.reason}\n`);
    if (sources.length === 0 && !opts.allowEmpty) {
      throw new UsageError(
        `no docs found in ${(paths.length > 0 ? paths : ['seeds/']).join(', ')}${found.ignored.length ? ` (${found.ignored.length} markdown file${found.ignored.length === 1 ? '' : 's'} without frontmatter ignored)` : ''}; pass the folder of *.md docs, or --allow-empty`,
      );
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`verifier lint: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const parsed: ParsedDoc[] = sources.map((s) => parseDoc(s.id, s.text));
  const ctx: LintContext = { paramNames, fallbackEndpoints: fallbackEndpoints(parsed.map((p) => p.doc)) };
  const rows: (Finding & { path: string })[] = [];
  parsed.forEach((p, i) => {
    const path = sources[i]?.display ?? p.id;
    for (const f of lintDoc(p, ctx)) rows.push({ path, ...f });
  });
  if (opts.openapi) {
    const index = await loadOperationIndex(resolve(opts.openapi), refMap, (m) => io.stderr(`${m}\n`));
    const display = new Map(parsed.map((p, i) => [p.id, sources[i]?.display ?? p.id]));
    const docs = parsed.flatMap((p) => (p.doc ? [p.doc] : []));
    for (const f of lintContracts(docs, index)) rows.push({ path: display.get(f.doc) ?? f.doc, ...f });
  }
  if (opts.format === 'json') {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const r of rows) io.stdout(`${r.path}:${r.line}: ${r.severity}: ${r.message}\n`);
  }
  const errors = rows.filter((r) => r.severity === 'error').length;
  const warnings = rows.length - errors;
  io.stderr(
    `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(sources.length, 'doc')}\n`,
  );
  return errors > 0 ? 1 : 0;
}

/** Docs under the paths given: a folder's markdown without frontmatter is ignored (a README), a file is linted. */
async function collect(
  paths: readonly string[],
  exclude: readonly string[],
): Promise<{ sources: Source[]; ignored: Ignored[] }> {
  const out: Source[] = [];
  const ignored: Ignored[] = [];
  for (const arg of paths) {
    const info = await stat(arg).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or folder: ${arg}`);
    if (info.isDirectory()) {
      const listing = await listDocs({ root: arg, exclude });
      for (const i of listing.ignored) ignored.push({ ...i, id: join(arg, ...i.id.split('/')) });
      for (const id of listing.ids) {
        out.push({ id, display: join(arg, ...id.split('/')), text: await listing.source.read(id) });
      }
    } else {
      out.push({ id: arg.split('\\').join('/'), display: arg, text: await readFile(arg, 'utf8') });
    }
  }
  return { sources: out, ignored };
}

/** Param names from a tokens file. The file holds live tokens: errors never echo its content. */
async function readParamNames(file: string | undefined): Promise<string[]> {
  if (file === undefined) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--tokens: cannot read ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(
      `--tokens: ${basename(file)} is not valid JSON; expected { "tokens": {...}, "params": {...} }`,
    );
  }
  const parsed = TokensFile.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `--tokens: ${basename(file)} has no usable "params" map; expected { "tokens": {...}, "params": { "business_id": "..." } }`,
    );
  }
  return Object.keys(parsed.data.params ?? {});
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
