// Which files under the docs root are workflow docs, checked before a run starts: `--exclude` globs and
// the root's `.verifierignore` (gitignore-like) drop files; markdown without frontmatter (a README) is
// not a doc and is listed once as ignored; a selection that matches nothing, or docs that need a
// fallback or partners URL nobody gave, are usage errors that say why.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { createLocalDocSource } from '../lambda/adapters/local/doc-source.js';
import { MAX_DOC_BYTES, readDocHeader } from '../lambda/engine/parse/doc-header.js';
import { parseDoc } from '../lambda/engine/parse/parse-doc.js';
import type { DocSource } from '../lambda/engine/ports.js';
import { chooseRoute, fallbackEndpoints, type Route } from '../lambda/engine/run/routing.js';
import { createFilter, selectByStatus } from '../lambda/engine/run/select.js';
import type { DocFilters } from '../lambda/engine/target.js';
import { UsageError } from './usage-error.js';

export const IGNORE_FILE = '.verifierignore';
export const NO_FRONTMATTER = 'no frontmatter: not a workflow doc';

export interface Ignored {
  readonly id: string;
  readonly reason: string;
}

export interface DocListing {
  /**
   * Lists only the workflow docs (ids relative to the root); reads as the local source does, a doc's
   * first read handing out the text the listing already read.
   */
  readonly source: DocSource;
  readonly ids: readonly string[];
  /** Markdown files that are not workflow docs, each listed once. */
  readonly ignored: readonly Ignored[];
}

export interface ListOptions {
  /** The docs root. */
  readonly root: string;
  /** One doc file under the root (`--docs file.md`): only it is listed. */
  readonly only?: string;
  /** `--exclude` globs, matched like `.verifierignore` lines. */
  readonly exclude?: readonly string[];
}

/**
 * gitignore-like: `#` comments and blank lines skipped; `!` re-includes; a pattern without a `/` (other
 * than a trailing one) matches at any depth; a leading `/` anchors it to the root; a folder's pattern
 * matches everything under it. The last matching pattern wins.
 */
export function createIgnore(patterns: readonly string[]): (id: string) => boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'))
    .map((p) => {
      const negate = p.startsWith('!');
      let body = negate ? p.slice(1) : p;
      const anchored = body.startsWith('/') || body.replace(/\/+$/, '').includes('/');
      body = body.replace(/^\/+/, '').replace(/\/+$/, '');
      const glob = anchored ? body : `**/${body}`;
      return { negate, match: picomatch([glob, `${glob}/**`], { dot: true }) };
    });
  return (id) => {
    let ignored = false;
    for (const r of rules) if (r.match(id)) ignored = !r.negate;
    return ignored;
  };
}

function readIgnoreFile(root: string): string[] {
  try {
    return readFileSync(join(root, IGNORE_FILE), 'utf8').split(/\r?\n/);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${join(root, IGNORE_FILE)}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
}

/** Text the listing keeps for the docs' first reads, at most this many characters in all. */
const KEPT_TEXT_CHARS = 8 * 1024 * 1024;

/** True when the file's first bytes open with a `---` line (parseDoc's frontmatter fence). */
function opensWithFence(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 16)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return /^---[ \t]*(\r?\n|$)/.test(head);
}

/**
 * Whether the file is a workflow doc (it opens with a frontmatter fence), and its text when it is a
 * plain file of a doc's size: the run's first pass then takes the text from the listing instead of
 * opening every doc a second time. Anything else has only its first bytes read.
 */
function readCandidate(path: string): { readonly doc: boolean; readonly text?: string } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isFile() && st.size <= MAX_DOC_BYTES) {
      const bytes = readFileSync(fd);
      return opensWithFence(bytes) ? { doc: true, text: bytes.toString('utf8') } : { doc: false };
    }
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { doc: opensWithFence(buf.subarray(0, n)) };
  } catch {
    // Unreadable here: keep it, so the run reports it as error with the reason.
    return { doc: true };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function listDocs(options: ListOptions): Promise<DocListing> {
  const local = createLocalDocSource(options.root);
  const excluded = createIgnore([...readIgnoreFile(options.root), ...(options.exclude ?? [])]);
  const all = options.only !== undefined ? [options.only] : await local.list();
  const ids: string[] = [];
  const ignored: Ignored[] = [];
  const kept = new Map<string, string>();
  let keptChars = 0;
  for (const id of all) {
    if (options.only === undefined && excluded(id)) continue;
    const file = readCandidate(join(options.root, ...id.split('/')));
    if (!file.doc) {
      ignored.push({ id, reason: NO_FRONTMATTER });
      continue;
    }
    ids.push(id);
    if (file.text !== undefined && keptChars + file.text.length <= KEPT_TEXT_CHARS) {
      kept.set(id, file.text);
      keptChars += file.text.length;
    }
  }
  // Each kept text is handed out once (the run's first pass); later reads go to the file.
  const read = async (id: string): Promise<string> => {
    const text = kept.get(id);
    if (text === undefined) return local.read(id);
    kept.delete(id);
    return text;
  };
  return { source: { list: async () => ids, read }, ids, ignored };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Each filter flag with how many of the docs it matches alone; throws when together they match none. */
export async function checkSelection(
  listing: DocListing,
  filters: DocFilters,
  where: string,
): Promise<number> {
  if (listing.ids.length === 0) {
    const why = listing.ignored.length
      ? ` (${plural(listing.ignored.length, 'markdown file')} without frontmatter ignored)`
      : '';
    throw new UsageError(
      `no docs selected: ${where} holds no workflow docs${why}; point --docs at the folder of *.md docs, or pass --allow-empty`,
    );
  }
  const needHeader = Boolean(filters.domains?.length || filters.tags?.length);
  const filtered = Boolean(needHeader || filters.docs?.length);
  if (!filtered) return listing.ids.length;
  const headers = await Promise.all(
    listing.ids.map(async (id) => {
      if (!needHeader) return { id, domain: '', tags: [] as readonly string[] };
      const text = await listing.source.read(id).catch(() => undefined);
      const header = text === undefined ? undefined : readDocHeader(id, text);
      return { id, domain: header?.domain ?? '', tags: header?.tags ?? [] };
    }),
  );
  const count = (f: DocFilters) => {
    const keep = createFilter(f);
    return headers.filter((h) => keep(h.id, h.domain, h.tags)).length;
  };
  const selected = count(filters);
  if (selected > 0) return selected;
  const parts = [
    ...(filters.domains ?? []).map((d) => `--domain ${d} matched ${count({ domains: [d] })}`),
    ...(filters.tags ?? []).map((t) => `--tag ${t} matched ${count({ tags: [t] })}`),
    ...(filters.docs ?? []).map((g) => `--doc ${g} matched ${count({ docs: [g] })}`),
  ];
  throw new UsageError(
    `no docs selected: ${parts.join(', ')} of the ${plural(listing.ids.length, 'doc')} in ${where}, and a doc must match every filter; check the filters, or pass --allow-empty`,
  );
}

/** Selected docs that would send a step to a route whose URL is not configured, by route. */
export async function docsNeedingRoutes(
  listing: DocListing,
  filters: DocFilters,
  missing: ReadonlySet<Exclude<Route, 'primary'>>,
): Promise<Map<Exclude<Route, 'primary'>, string[]>> {
  const out = new Map<Exclude<Route, 'primary'>, string[]>();
  if (missing.size === 0) return out;
  const texts = await Promise.all(listing.ids.map((id) => listing.source.read(id).catch(() => undefined)));
  const parsed = listing.ids.map((id, i) => {
    const text = texts[i];
    return text === undefined ? undefined : parseDoc(id, text).doc;
  });
  const endpoints = fallbackEndpoints(parsed);
  const keep = createFilter(filters);
  for (const doc of parsed) {
    if (!doc || !keep(doc.id, doc.domain, doc.tags)) continue;
    if (!selectByStatus(doc.status, filters.include, doc.skipReason).run) continue;
    for (const step of [...doc.prerequisites, ...doc.test]) {
      const route = chooseRoute(doc, step, endpoints);
      if (route === 'primary' || !missing.has(route)) continue;
      const ids = out.get(route) ?? [];
      if (!ids.includes(doc.id)) ids.push(doc.id);
      out.set(route, ids);
    }
  }
  return out;
}
