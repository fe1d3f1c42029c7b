// parseDoc: one file's text → a Doc plus findings. Never throws: whatever the input, problems are findings.
import type { Doc, Finding, ParsedDoc, Step } from '../model.js';
import { errorAt } from './findings.js';
import { headerFields, readFrontmatter, splitFrontmatter } from './frontmatter.js';
import { readSections } from './sections.js';
import { parseStepsBlock } from './steps.js';

/** Real docs are a few KB; anything past this is not a workflow doc and is not parsed. */
export const MAX_DOC_BYTES = 1024 * 1024;

export function parseDoc(id: string, text: string): ParsedDoc {
  try {
    return parseText(id, text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      id,
      findings: [
        errorAt(
          id,
          1,
          'parse-failed',
          `the doc could not be parsed (${why}); expected markdown with YAML frontmatter; fix the file or report this as a verifier bug`,
        ),
      ],
    };
  }
}

/** A doc's lines: without a byte-order mark, with CRLF and CR line ends read as LF. */
export function docLines(input: string): string[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
}

function parseText(id: string, input: string): ParsedDoc {
  if (typeof input !== 'string') {
    return {
      id,
      findings: [
        errorAt(id, 1, 'not-text', 'the doc is not text; expected a UTF-8 markdown file; replace it'),
      ],
    };
  }
  if (input.length > MAX_DOC_BYTES) {
    return {
      id,
      findings: [
        errorAt(
          id,
          1,
          'doc-too-large',
          `the doc is ${input.length} characters; expected at most ${MAX_DOC_BYTES}; split it or remove the bulk (a workflow doc is a few KB)`,
        ),
      ],
    };
  }
  if (input.includes('\u0000')) {
    return {
      id,
      findings: [
        errorAt(
          id,
          1,
          'not-text',
          'the doc contains NUL bytes, so it is binary, not markdown; expected a UTF-8 markdown file; replace it',
        ),
      ],
    };
  }
  const lines = docLines(input);
  const findings: Finding[] = [];
  const split = splitFrontmatter(id, lines);
  if (split.error) return { id, findings: [split.error] };
  const front = readFrontmatter(id, split.yaml);
  findings.push(...front.findings);
  // Blank lines stand in for the frontmatter so markdown positions are file lines.
  const sections = readSections(lines.fill('', 0, split.lineCount));
  for (const issue of sections.issues)
    findings.push(errorAt(id, issue.line, 'section-too-complex', issue.message));
  let prerequisites: Step[] = [];
  let test: Step[] = [];
  if (sections.prerequisites?.block) {
    const r = parseStepsBlock(id, sections.prerequisites.block, 'prerequisite');
    prerequisites = r.steps;
    findings.push(...r.findings);
  }
  if (!sections.test) {
    findings.push(
      errorAt(
        id,
        Math.max(1, split.lineCount + 1),
        'missing-test-request',
        'no "## Test Request" section; expected a "## Test Request" heading followed by a ```yaml block with "steps:"; add the section',
      ),
    );
  } else if (!sections.test.block) {
    if (!sections.test.tooComplex)
      findings.push(
        errorAt(
          id,
          sections.test.line,
          'missing-test-steps',
          '"## Test Request" has no ```yaml steps block; expected a ```yaml block with "steps:" directly under the heading (before any subheading); add the block',
        ),
      );
  } else {
    const r = parseStepsBlock(id, sections.test.block, 'test');
    test = r.steps;
    findings.push(...r.findings);
    if (r.steps.length === 0 && r.findings.every((f) => f.severity !== 'error')) {
      findings.push(
        errorAt(
          id,
          sections.test.block.firstLine,
          'missing-test-steps',
          '"## Test Request" has an empty steps list; expected at least one step; add the request that proves the endpoint works',
        ),
      );
    }
  }
  const f = front.fields;
  const doc: Doc = {
    ...headerFields(id, f),
    prerequisites,
    test,
    knownIssues: sections.knownIssues,
    frontmatter: f.data,
  };
  return {
    id,
    doc,
    findings: findings
      // An unclosed fence can point one line past the end: keep every line inside the file.
      .map((f) => (f.line > lines.length ? { ...f, line: lines.length } : f))
      .sort((a, b) => a.line - b.line),
  };
}
