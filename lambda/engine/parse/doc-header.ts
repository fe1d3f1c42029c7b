// readDocHeader: the frontmatter fields of a doc without reading its steps (a run's first pass, selection).
import type { Doc } from '../model.js';
import { headerFields, MAX_FRONTMATTER_CHARS, readFrontmatter, splitFrontmatter } from './frontmatter.js';
import { docLines, MAX_DOC_BYTES } from './parse-doc.js';
import { parseYaml } from './yaml-source.js';

export type DocHeader = Pick<
  Doc,
  | 'id'
  | 'endpoint'
  | 'domain'
  | 'tags'
  | 'status'
  | 'rawStatus'
  | 'useFallbackApi'
  | 'skipReason'
  | 'expectedOutcome'
>;

/**
 * The same header fields `parseDoc(id, text).doc` would hold, from the frontmatter alone; undefined
 * when parseDoc would give no doc (not text, too large, NUL bytes, unclosed frontmatter). Findings are
 * not reported here: parseDoc reports them when the doc runs.
 */
export function readDocHeader(id: string, input: string): DocHeader | undefined {
  try {
    const split = frontmatterOf(id, input);
    if (!split) return undefined;
    const f = readFrontmatter(id, split.yaml).fields;
    return headerFields(id, f);
  } catch {
    return undefined;
  }
}

/** The frontmatter YAML as parseDoc finds it; undefined when parseDoc would give no doc. */
function frontmatterOf(id: string, input: string): { yaml: string | undefined } | undefined {
  if (typeof input !== 'string' || input.length > MAX_DOC_BYTES || input.includes('\u0000')) return undefined;
  const split = splitFrontmatter(id, docLines(input));
  return split.error ? undefined : { yaml: split.yaml };
}

export type DocRouting = Pick<DocHeader, 'endpoint' | 'useFallbackApi'>;

/**
 * `endpoint` and `useFallbackApi` exactly as readDocHeader reads them, without checking the other
 * keys: all a run's first pass needs to learn the fallback endpoints (FORMAT.md §7), for a fraction
 * of the cost. test/engine/parse-header.test.ts holds it equal to readDocHeader.
 */
export function readDocRouting(id: string, input: string): DocRouting | undefined {
  try {
    const split = frontmatterOf(id, input);
    if (!split) return undefined;
    const none: DocRouting = { endpoint: undefined, useFallbackApi: false };
    if (split.yaml === undefined || split.yaml.length > MAX_FRONTMATTER_CHARS) return none;
    const parsed = parseYaml(split.yaml, 2);
    const v = parsed.value;
    if (parsed.issues.length > 0 || typeof v !== 'object' || v === null || Array.isArray(v)) return none;
    const data = v as Record<string, unknown>;
    const endpoint = Object.hasOwn(data, 'endpoint') ? data.endpoint : undefined;
    return {
      endpoint: typeof endpoint === 'string' ? endpoint.trim() : undefined,
      useFallbackApi: Object.hasOwn(data, 'useFallbackApi') && data.useFallbackApi === true,
    };
  } catch {
    return undefined;
  }
}
