// Entry of the floor child process (dist/bench-floor.mjs): `node bench-floor.mjs PLAN.json CONCURRENCY [RPS]`.
// Prints `{"requests":N,"failures":N}` on stdout.
import { readFileSync } from 'node:fs';
import { runFloor } from './floor.js';
import type { FloorDoc } from './floor-plan.js';

const [planFile, concurrency, rps] = process.argv.slice(2);
if (!planFile) {
  process.stderr.write('usage: bench-floor PLAN.json [CONCURRENCY] [RPS]\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as FloorDoc[];
const result = await runFloor(plan, Number(concurrency ?? 10), Number(rps ?? 0));
process.stdout.write(`${JSON.stringify(result)}\n`);
