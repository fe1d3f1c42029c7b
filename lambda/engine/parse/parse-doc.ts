// parseDoc: one file's text → a Doc plus findings. Never throws: whatever the input, problems are findings.
// The header comes from readHead (doc-header.ts), the one header reader; this adds the steps.
import type { Doc, Finding, ParsedDoc, Step } from '../model.js';
import { parseAuthTable, tokensDisagree } from '../promises/auth-table.js';
import { readHead } from './doc-header.js';
import { errorAt } from './findings.js';
import { readSections } from './sections.js';
import { parseStepsBlock } from './steps.js';

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

function parseText(id: string, input: string): ParsedDoc {
  const head = readHead(id, input);
  if (!head.header) return { id, findings: [head.error] };
  const { lines } = head;
  const findings: Finding[] = [...head.findings];
  const tokensLine = lines.slice(0, head.frontmatterLines).findIndex((l) => /^tokens[ \t]*:/.test(l)) + 1;
  // Blank lines stand in for the frontmatter so markdown positions are file lines.
  const sections = readSections(lines.fill('', 0, head.frontmatterLines));
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
        Math.max(1, head.frontmatterLines + 1),
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
  const auth = sections.authentication
    ? parseAuthTable(id, sections.authentication)
    : { table: undefined, findings: [] };
  findings.push(...auth.findings);
  if (auth.table) findings.push(...tokensDisagree(id, auth.table, tokensOf(head.fields.data), tokensLine));
  const doc: Doc = {
    ...head.header,
    prerequisites,
    test,
    knownIssues: sections.knownIssues,
    ...(auth.table ? { authentication: auth.table } : {}),
    frontmatter: head.fields.data,
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

/** The frontmatter `tokens:` list, when it is one. */
function tokensOf(frontmatter: Readonly<Record<string, unknown>>): string[] | undefined {
  const t = frontmatter.tokens;
  return Array.isArray(t) ? t.map(String) : undefined;
}
