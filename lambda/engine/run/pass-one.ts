// Pass one, over doc headers only: which docs are in the run, and which endpoints route to the fallback
// API (FORMAT.md §7 rule 2 needs every doc's header before any doc runs). It must finish before the
// first request, so it reads no steps, and it reads no YAML for a doc that cannot change its answer.
import pLimit from 'p-limit';
import type { DocStatus } from '../model.js';
import { type DocHeader, readDocHeader } from '../parse/doc-header.js';
import type { DocSource } from '../ports.js';
import type { DocFilters } from '../target.js';
import { fallbackEndpoints as fallbackEndpointsOf } from './routing.js';
import { createFilter, domainOfId } from './select.js';

/** A doc's header fields as its result reports them (only the domain when the doc has no header). */
export interface DocMeta {
  readonly domain: string;
  readonly endpoint?: string;
  readonly tags?: readonly string[];
  readonly status?: DocStatus;
}

/**
 * What pass one keeps per doc in the run. `meta` is absent when pass one had no need to read the
 * header (no domain/tag filter, and the doc cannot declare useFallbackApi): preparing the doc reads it.
 */
export interface DocInfo {
  readonly id: string;
  readonly meta?: DocMeta;
  /** The text pass one read, kept for the doc's turn (within KEPT_TEXT_CHARS for the run). */
  text?: string;
}

export interface PassOne {
  /** The docs in the run, in listing order. */
  readonly docs: DocInfo[];
  /** `METHOD /path` of every doc with `useFallbackApi: true`, in the run or not. */
  readonly fallbackEndpoints: ReadonlySet<string>;
}

/** Doc text pass one keeps for the run (so each doc is read once); beyond it, docs are read again. */
const KEPT_TEXT_CHARS = 2 * 1024 * 1024;

/** Docs read at once (a remote DocSource is latency-bound). */
const PASS_ONE_READS = 16;

export const metaOf = (id: string, header: DocHeader | undefined): DocMeta =>
  header
    ? { domain: header.domain, endpoint: header.endpoint, tags: header.tags, status: header.status }
    : { domain: domainOfId(id) };

/**
 * Whether the frontmatter may set useFallbackApi: the key spelled out, or a backslash (a YAML escape
 * could spell it). When neither, the doc adds no fallback endpoint and pass one skips its YAML.
 */
export const mayDeclareFallback = (text: string): boolean =>
  text.includes('useFallbackApi') || text.includes('\\');

export async function passOne(source: DocSource, filters: DocFilters | undefined): Promise<PassOne> {
  const filter = createFilter(filters);
  const needsHeader = Boolean(filters?.domains?.length || filters?.tags?.length);
  const endpoints = new Set<string>();
  let kept = 0;
  const keep = (info: DocInfo, text: string | undefined): DocInfo => {
    if (text !== undefined && kept + text.length <= KEPT_TEXT_CHARS) {
      kept += text.length;
      info.text = text;
    }
    return info;
  };
  const readLimit = pLimit(PASS_ONE_READS);
  const ids = await source.list();
  const infos = await Promise.all(
    ids.map((id) =>
      readLimit(async (): Promise<DocInfo | undefined> => {
        // A doc that cannot be read here is still in the run: preparing it reports it as error.
        const text = await source.read(id).catch(() => undefined);
        const readHeader = text !== undefined && (needsHeader || mayDeclareFallback(text));
        const header = readHeader ? readDocHeader(id, text) : undefined;
        for (const key of fallbackEndpointsOf([header])) endpoints.add(key);
        if (!needsHeader) return filter(id, '', []) ? keep({ id }, text) : undefined;
        const meta = metaOf(id, header);
        return filter(id, meta.domain, header?.tags ?? []) ? keep({ id, meta }, text) : undefined;
      }),
    ),
  );
  return { docs: infos.filter((i): i is DocInfo => i !== undefined), fallbackEndpoints: endpoints };
}
