// Micro-benchmark of parseDoc alone, in process: the docs of a benchmark run (the corpus, the seeds and
// synthetic docs up to 350), parsed once in a fresh process ("cold": what a run pays, JIT warm-up
// included) and then ROUNDS more times ("warm"). CPU time per doc; run with --single-threaded so it
// is the main thread's.
//   node --single-threaded --import tsx bench/parse-docs.ts CORPUS_DIR [ROUNDS]
// Compare commits by running it a few times each, alternating: a shared machine is noisy.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDoc } from '../lambda/engine/parse/parse-doc.js';
import { syntheticDoc } from './synth-docs.js';

const [corpusDir, roundsArg] = process.argv.slice(2);
if (!corpusDir) {
  process.stderr.write('usage: parse-docs CORPUS_DIR [ROUNDS]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 10);
const seedsDir = new URL('../seeds/', import.meta.url).pathname;

function markdown(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdown(path, out);
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

const docs = [
  ...markdown(corpusDir).map((f) => ({ id: relative(corpusDir, f), text: readFileSync(f, 'utf8') })),
  ...markdown(seedsDir).map((f) => ({ id: relative(seedsDir, f), text: readFileSync(f, 'utf8') })),
];
for (let n = 0; docs.length < 350; n++) docs.push(syntheticDoc(n));

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
let start = process.cpuUsage();
for (const d of docs) parseDoc(d.id, d.text);
const cold = cpuMs(start) / docs.length;
start = process.cpuUsage();
for (let r = 0; r < rounds; r++) for (const d of docs) parseDoc(d.id, d.text);
const warm = cpuMs(start) / rounds / docs.length;
process.stdout.write(
  `${docs.length} docs: cold ${cold.toFixed(3)} ms CPU/doc, warm ${warm.toFixed(4)} ms CPU/doc\n`,
);
