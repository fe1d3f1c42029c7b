// The one reader of a doc's header: the text checks and the frontmatter. parseDoc builds on it (and
// adds the steps); a run's first pass and its deadline skips call it alone, without reading the steps.
import type { Doc, Finding } from '../model.js';
import { errorAt } from './findings.js';
import { type FrontmatterFields, headerFields, readFrontmatter, splitFrontmatter } from './frontmatter.js';

/** Real docs are a few KB; anything past this is not a workflow doc and is not parsed. */
export const MAX_DOC_BYTES = 1024 * 1024;

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

/** A doc's header as read, or the one finding that means the doc has none. */
export type HeadRead =
  | {
      readonly header: DocHeader;
      readonly fields: FrontmatterFields;
      /** The frontmatter's findings. */
      readonly findings: readonly Finding[];
      /** The doc's lines (see docLines). */
      readonly lines: string[];
      /** Lines the frontmatter takes, fences included (0 when there is none). */
      readonly frontmatterLines: number;
    }
  | { readonly header?: undefined; readonly error: Finding };

/** A doc's lines: without a byte-order mark, with CRLF and CR line ends read as LF. */
export function docLines(input: string): string[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
}

/** Reads the header; may throw on a bug (parseDoc turns that into a finding). */
export function readHead(id: string, input: string): HeadRead {
  if (typeof input !== 'string') {
    return {
      error: errorAt(id, 1, 'not-text', 'the doc is not text; expected a UTF-8 markdown file; replace it'),
    };
  }
  if (input.length > MAX_DOC_BYTES) {
    return {
      error: errorAt(
        id,
        1,
        'doc-too-large',
        `the doc is ${input.length} characters; expected at most ${MAX_DOC_BYTES}; split it or remove the bulk (a workflow doc is a few KB)`,
      ),
    };
  }
  if (input.includes('\u0000')) {
    return {
      error: errorAt(
        id,
        1,
        'not-text',
        'the doc contains NUL bytes, so it is binary, not markdown; expected a UTF-8 markdown file; replace it',
      ),
    };
  }
  const lines = docLines(input);
  const split = splitFrontmatter(id, lines);
  if (split.error) return { error: split.error };
  const front = readFrontmatter(id, split.yaml);
  return {
    header: headerFields(id, front.fields),
    fields: front.fields,
    findings: front.findings,
    lines,
    frontmatterLines: split.lineCount,
  };
}

/**
 * The header fields `parseDoc(id, text).doc` holds, without reading the steps; undefined when parseDoc
 * gives no doc (not text, too large, NUL bytes, unclosed frontmatter). Findings are not reported here:
 * parseDoc reports them when the doc runs.
 */
export function readDocHeader(id: string, input: string): DocHeader | undefined {
  try {
    return readHead(id, input).header;
  } catch {
    return undefined;
  }
}
