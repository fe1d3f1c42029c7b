// Summarises a V8 .cpuprofile (from `npm run bench -- --profile DIR` or `node --cpu-prof`): the
// functions with the most self time, and the source files with the most self time.
// usage: node scripts/profile-top.mjs <file.cpuprofile> [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/profile-top.mjs <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + dt);
}
/** The last `n` segments of a script's path. */
const short = (url, n) =>
  url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-n)
    .join('/');
const fn = new Map();
const files = new Map();
let total = 0;
for (const [id, us] of hits) {
  const { callFrame: c } = byId.get(id);
  total += us;
  const where = c.url ? `${short(c.url, 2)}:${c.lineNumber + 1}` : '';
  const key = `${c.functionName || '(anonymous)'} ${where}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const f = c.url ? short(c.url, 3) : `(${c.functionName})`;
  files.set(f, (files.get(f) ?? 0) + us);
}
const show = (title, m) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    process.stdout.write(
      `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}\n`,
    );
  }
};
process.stdout.write(`total sampled: ${(total / 1000).toFixed(0)} ms\n`);
show('self time by function', fn);
show('self time by file', files);

// Inclusive time (self + callees, each sample counted once per function) for the busiest functions.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (const [id, us] of hits) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const { callFrame: c } = byId.get(cur);
    const key = `${c.functionName || '(anonymous)'} ${c.url ? `${short(c.url, 1)}:${c.lineNumber + 1}` : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + us);
  }
}
incl.delete('(root) ');
show('inclusive time by function', incl);
