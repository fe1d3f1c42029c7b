// readDocHeader: the frontmatter fields of a doc without reading its steps (a run's first pass, selection).
import type { Doc } from '../model.js';
import { headerFields, readFrontmatter, splitFrontmatter } from './frontmatter.js';
import { MAX_DOC_BYTES } from './parse-doc.js';

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
    if (typeof input !== 'string' || input.length > MAX_DOC_BYTES || input.includes('\u0000'))
      return undefined;
    const lines = input
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .split('\n');
    const split = splitFrontmatter(id, lines);
    if (split.error) return undefined;
    const f = readFrontmatter(id, split.yaml).fields;
    return headerFields(id, f);
  } catch {
    return undefined;
  }
}
