// Markdown sections (FORMAT.md §1): only the first ```yaml block directly under `## Prerequisites` and
// `## Test Request` holds steps; YAML anywhere else (Cleanup, "How to obtain X", subsections) never runs.
//
// One linear pass cuts the file at its `#`/`##` headings (outside fences); a second one over each step
// section finds its yaml fence (yaml-fence.ts). Setext (`---`-underlined) headings do not start sections.
import type { StepsBlock } from './steps-block.js';
import { findYamlFence } from './yaml-fence.js';

export type { StepsBlock } from './steps-block.js';

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
  /** `## Authentication`: its heading's file line and the lines under it (FORMAT.md §10). */
  readonly authentication?: { readonly line: number; readonly lines: readonly string[] };
  /** Step sections too large to be a step list. */
  readonly issues: readonly { readonly line: number; readonly message: string }[];
}

/** Limits for a step section (real ones are under 3 KB and 60 lines): a bigger one is not a step list. */
export const MAX_SECTION_CHARS = 32 * 1024;
export const MAX_SECTION_LINES = 800;

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

interface RawSection {
  readonly title: string;
  /** 0-based index of the heading line. */
  readonly start: number;
  /** 0-based index one past the last line. */
  readonly end: number;
}

/** `lines` are the file's lines (frontmatter blanked), so indexes are file lines minus one. */
export function readSections(lines: readonly string[]): DocSections {
  const issues: { line: number; message: string }[] = [];
  let prerequisites: Section | undefined;
  let test: Section | undefined;
  let knownIssues: string | undefined;
  let authentication: DocSections['authentication'];
  for (const s of splitSections(lines)) {
    if (s.title === 'authentication' && authentication === undefined) {
      authentication = { line: s.start + 1, lines: lines.slice(s.start + 1, s.end) };
      continue;
    }
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
    let section: Section;
    if (s.end - s.start > MAX_SECTION_LINES || charsIn(lines, s.start, s.end) > MAX_SECTION_CHARS) {
      section = { line: s.start + 1, tooComplex: true };
      issues.push({
        line: s.start + 1,
        message: `the "## ${phase === 'test' ? 'Test Request' : 'Prerequisites'}" section is too large to be a step list (limits: ${MAX_SECTION_CHARS} characters, ${MAX_SECTION_LINES} lines); expected a short section with one yaml block; move the prose to another section`,
      });
    } else {
      section = { line: s.start + 1, block: findYamlFence(lines, s.start, s.end) };
    }
    if (phase === 'prerequisites') prerequisites = section;
    else test = section;
  }
  return { prerequisites, test, knownIssues, authentication, issues };
}

function splitSections(lines: readonly string[]): RawSection[] {
  const out: RawSection[] = [];
  let title: string | undefined;
  let start = 0;
  let fence: { char: string; len: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // Every pattern below starts with at most three spaces and then `#`, a backtick or a tilde: most
    // lines (prose, YAML) are ruled out by that character alone.
    const first = line.charCodeAt(indentOf(line));
    if (fence) {
      if (first === fence.char.charCodeAt(0)) {
        const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
        if (m?.[1] && m[1].length >= fence.len) fence = undefined;
      }
      continue;
    }
    if (first === BACKTICK || first === TILDE) {
      const open = FENCE_OPEN.exec(line);
      if (open?.[1] && !(open[1][0] === '`' && (open[2] ?? '').includes('`'))) {
        fence = { char: open[1][0] ?? '`', len: open[1].length };
        continue;
      }
    }
    if (first !== HASH) continue;
    const heading = ATX.exec(line);
    if (heading?.[1] && heading[1].length <= 2) {
      if (title !== undefined) out.push({ title, start, end: i });
      title = normaliseTitle(heading[2] ?? '');
      start = i;
    }
  }
  if (title !== undefined) out.push({ title, start, end: lines.length });
  return out;
}

const HASH = 0x23;
const BACKTICK = 0x60;
const TILDE = 0x7e;

/** Leading spaces, up to three (more is indented code). */
function indentOf(line: string): number {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 0x20) i++;
  return i;
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

function charsIn(lines: readonly string[], start: number, end: number): number {
  let n = end - start - 1;
  for (let i = start; i < end; i++) n += lines[i]?.length ?? 0;
  return n;
}
