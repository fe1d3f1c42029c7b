// Markdown sections (FORMAT.md §1): only the first ```yaml block directly under `## Prerequisites` and
// `## Test Request` holds steps; YAML anywhere else (Cleanup, "How to obtain X", subsections) never runs.
//
// micromark (under mdast-util-from-markdown) is quadratic on some inputs: 30 KB of setext headings or
// nested list markers takes tens of seconds. So the file is first cut at its `#`/`##` headings (outside
// fences, one linear pass), and only the two step sections, small and checked for pathological nesting,
// go through mdast. Setext (`---`-underlined) headings do not start sections.
import type { RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

export interface StepsBlock {
  readonly source: string;
  /** File line of the block's first content line (the line after the opening fence). */
  readonly firstLine: number;
}

export interface Section {
  /** File line of the `##` heading. */
  readonly line: number;
  readonly block?: StepsBlock;
  /** Set when the section was not parsed (see `issues`). */
  readonly tooComplex?: boolean;
}

export interface DocSections {
  readonly prerequisites?: Section;
  readonly test?: Section;
  /** Markdown prose of `## Known Issues`, subsections included. */
  readonly knownIssues?: string;
  /** Sections too large or too deeply nested to parse safely. */
  readonly issues: readonly { readonly line: number; readonly message: string }[];
}

/** Limits for a step section (real ones are under 3 KB and 60 lines). */
export const MAX_SECTION_CHARS = 32 * 1024;
export const MAX_SECTION_LINES = 800;
const MAX_CONTAINER_MARKERS = 4;
const MAX_INDENT = 64;

/** Inline constructs are not needed to find code blocks, and links/emphasis are micromark's slow paths. */
const BLOCKS_ONLY = {
  disable: {
    null: [
      'attention',
      'autolink',
      'characterEscape',
      'characterReference',
      'codeText',
      'definition',
      'hardBreakEscape',
      'htmlText',
      'labelEnd',
      'labelStartImage',
      'labelStartLink',
    ],
  },
};

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CONTAINERS = /^(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+/;

interface RawSection {
  readonly title: string;
  /** 0-based index of the heading line. */
  readonly start: number;
  /** 0-based index one past the last line. */
  readonly end: number;
  /** First line index (outside fences) that would make micromark slow, if any. */
  readonly hazard?: number;
}

/** `lines` are the file's lines (frontmatter blanked), so indexes are file lines minus one. */
export function readSections(lines: readonly string[]): DocSections {
  const issues: { line: number; message: string }[] = [];
  let prerequisites: Section | undefined;
  let test: Section | undefined;
  let knownIssues: string | undefined;
  for (const s of splitSections(lines)) {
    if (s.title === 'known issues' && knownIssues === undefined) {
      const text = lines
        .slice(s.start + 1, s.end)
        .join('\n')
        .trim();
      knownIssues = text.length > 0 ? text : undefined;
      continue;
    }
    const phase =
      s.title === 'prerequisites' ? 'prerequisites' : s.title === 'test request' ? 'test' : undefined;
    if (!phase || (phase === 'prerequisites' ? prerequisites : test)) continue;
    const section: Section = { line: s.start + 1, tooComplex: true };
    const text = lines.slice(s.start, s.end).join('\n');
    if (text.length > MAX_SECTION_CHARS || s.end - s.start > MAX_SECTION_LINES || s.hazard !== undefined) {
      const at = s.hazard !== undefined ? s.hazard + 1 : s.start + 1;
      issues.push({
        line: at,
        message: `the "## ${phase === 'test' ? 'Test Request' : 'Prerequisites'}" section is too large or too deeply nested to read safely (limits: ${MAX_SECTION_CHARS} characters, ${MAX_SECTION_LINES} lines, ${MAX_CONTAINER_MARKERS} nested list/quote markers, ${MAX_INDENT} columns of indentation outside code blocks); expected a short section with one yaml block; move the prose to another section`,
      });
    } else {
      const parsed: Section = { line: s.start + 1, block: firstYamlBlock(text, s.start) };
      if (phase === 'prerequisites') prerequisites = parsed;
      else test = parsed;
      continue;
    }
    if (phase === 'prerequisites') prerequisites = section;
    else test = section;
  }
  return { prerequisites, test, knownIssues, issues };
}

function splitSections(lines: readonly string[]): RawSection[] {
  const out: RawSection[] = [];
  let current: { title: string; start: number; hazard?: number } | undefined;
  let fence: { char: string; len: number } | undefined;
  const close = (end: number) => {
    if (current) out.push({ ...current, end });
  };
  lines.forEach((line, i) => {
    if (fence) {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (m?.[1] && m[1][0] === fence.char && m[1].length >= fence.len) fence = undefined;
      return;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.[1] && !(open[1][0] === '`' && (open[2] ?? '').includes('`'))) {
      fence = { char: open[1][0] ?? '`', len: open[1].length };
      return;
    }
    const heading = ATX.exec(line);
    if (heading?.[1] && heading[1].length <= 2) {
      close(i);
      current = { title: normaliseTitle(heading[2] ?? ''), start: i };
      return;
    }
    if (current && current.hazard === undefined && isHazard(line)) current.hazard = i;
  });
  close(lines.length);
  return out;
}

function isHazard(line: string): boolean {
  const indent = /^[ \t]*/.exec(line)?.[0].replace(/\t/g, '    ').length ?? 0;
  if (indent > MAX_INDENT) return true;
  const containers = CONTAINERS.exec(line)?.[0] ?? '';
  return (containers.match(/>|[-*+]|\d{1,9}[.)]/g)?.length ?? 0) > MAX_CONTAINER_MARKERS;
}

function normaliseTitle(raw: string): string {
  return raw
    .replace(/[ \t]+#+$/, '')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/:$/, '')
    .toLowerCase();
}

/** The first yaml/yml fence among the section's own content, before any further heading. */
function firstYamlBlock(text: string, lineOffset: number): StepsBlock | undefined {
  const children: readonly RootContent[] = fromMarkdown(text, { extensions: [BLOCKS_ONLY] }).children;
  for (let i = 1; i < children.length; i++) {
    const node = children[i];
    if (!node || node.type === 'heading') return undefined;
    if (node.type === 'code' && /^ya?ml$/i.test(node.lang ?? '')) {
      return { source: node.value, firstLine: (node.position?.start.line ?? 0) + lineOffset + 1 };
    }
  }
  return undefined;
}
