// Parse every corpus doc N times and print the mean cost per doc of parseDoc and its parts.
// Usage: node --import tsx scripts/parse-bench.ts [rounds=20] [corpus dir=../shared/corpus]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDocHeader } from '../lambda/engine/parse/doc-header.js';
import { parseDoc } from '../lambda/engine/parse/parse-doc.js';

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

time('parseDoc', parseDoc);
time('readDocHeader', readDocHeader);
