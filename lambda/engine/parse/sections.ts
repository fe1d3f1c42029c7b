// Markdown sections (FORMAT.md §1): only the first ```yaml block directly under `## Prerequisites` and
// `## Test Request` holds steps; YAML anywhere else (Cleanup, "How to obtain X", subsections) never runs.
import type { Heading, Nodes, Root, RootContent } from 'mdast';
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
}

export interface DocSections {
  readonly prerequisites?: Section;
  readonly test?: Section;
  /** Markdown prose of `## Known Issues`, subsections included. */
  readonly knownIssues?: string;
}

/** `markdown` must keep the file's line numbering (frontmatter replaced by blank lines). */
export function readSections(markdown: string): DocSections {
  const root: Root = fromMarkdown(markdown);
  const children = root.children;
  let prerequisites: Section | undefined;
  let test: Section | undefined;
  let knownIssues: string | undefined;
  children.forEach((node, i) => {
    if (node.type !== 'heading' || node.depth !== 2) return;
    const title = headingTitle(node);
    const line = node.position?.start.line ?? 1;
    if (title === 'prerequisites' && !prerequisites)
      prerequisites = { line, block: firstYamlBlock(children, i + 1) };
    else if (title === 'test request' && !test) test = { line, block: firstYamlBlock(children, i + 1) };
    else if (title === 'known issues' && knownIssues === undefined)
      knownIssues = proseUntilNextSection(markdown, children, i + 1);
  });
  return { prerequisites, test, knownIssues };
}

function headingTitle(node: Heading): string {
  return textOf(node).replace(/\s+/g, ' ').trim().replace(/:$/, '').toLowerCase();
}

function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return node.children.map((c: Nodes) => textOf(c)).join('');
  return '';
}

/** The first yaml/yml fence among the section's own content, before any further heading. */
function firstYamlBlock(children: readonly RootContent[], from: number): StepsBlock | undefined {
  for (let i = from; i < children.length; i++) {
    const node = children[i];
    if (!node || node.type === 'heading') return undefined;
    if (node.type === 'code' && /^ya?ml$/i.test(node.lang ?? '')) {
      return { source: node.value, firstLine: (node.position?.start.line ?? 0) + 1 };
    }
  }
  return undefined;
}

function proseUntilNextSection(
  markdown: string,
  children: readonly RootContent[],
  from: number,
): string | undefined {
  let start: number | undefined;
  let end: number | undefined;
  for (let i = from; i < children.length; i++) {
    const node = children[i];
    if (!node || (node.type === 'heading' && node.depth <= 2)) break;
    start ??= node.position?.start.offset;
    end = node.position?.end.offset ?? end;
  }
  if (start === undefined || end === undefined) return undefined;
  const text = markdown.slice(start, end).trim();
  return text.length > 0 ? text : undefined;
}
