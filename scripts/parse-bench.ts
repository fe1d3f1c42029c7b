// Parse every corpus doc N times and print the mean cost per doc of parseDoc, readDocHeader, and the
// share of parseDoc spent in the yaml library (all three YAML parses: frontmatter and both step blocks).
// Usage: node --import tsx scripts/parse-bench.ts [rounds=20] [corpus dir=../shared/corpus]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { readDocHeader } from '../lambda/engine/parse/doc-header.js';
import { splitFrontmatter } from '../lambda/engine/parse/frontmatter.js';
import { parseDoc } from '../lambda/engine/parse/parse-doc.js';
import { readSections } from '../lambda/engine/parse/sections.js';

const rounds = Number(process.argv[2] ?? 20);
const root = process.argv[3] ?? '../shared/corpus';
const docs = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md'))
  .map((id) => ({ id, text: readFileSync(join(root, id), 'utf8') }));

function time(label: string, fn: (id: string, text: string) => unknown): void {
  for (const d of docs) fn(d.id, d.text); // warm-up
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const d of docs) fn(d.id, d.text);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${label}: ${(ms / (rounds * docs.length)).toFixed(3)} ms per doc (${docs.length} docs x ${rounds})`,
  );
}

/** The YAML sources parseDoc hands to the yaml library, per doc. */
const yamlOf = new Map<string, string[]>();
for (const d of docs) {
  const lines = d.text.split('\n');
  const split = splitFrontmatter(d.id, lines);
  const sections = readSections([
    ...Array<string>(split.lineCount).fill(''),
    ...lines.slice(split.lineCount),
  ]);
  yamlOf.set(
    d.id,
    [split.yaml, sections.prerequisites?.block?.source, sections.test?.block?.source].filter(
      (s): s is string => s !== undefined,
    ),
  );
}

time('parseDoc', parseDoc);
time('readDocHeader', readDocHeader);
time('  of which yaml parseDocument + toJS alone', (id) => {
  for (const source of yamlOf.get(id) ?? [])
    parseDocument(source, { schema: 'core', lineCounter: new LineCounter(), uniqueKeys: true }).toJS();
});
