// Issue 15: "validation must not add more than 0.2 ms per validated response on the bench workload".
// The overhead workload's docs (350, c10, no cap) run with and without `--openapi` over specs that
// describe every Test Request response the bench target returns (bench/synth-specs.ts), interleaved;
// the extra CPU of the `--openapi` runs, divided by the responses they validated (the report's
// `contract.withSchema`), is the row. It includes everything `--openapi` adds: loading swagger-parser
// and Ajv, reading and bundling the specs, compiling each operation's schema once, validating.
import { readFile } from 'node:fs/promises';
import { type BenchConfig, type DocsSet, type RunSample, runVerifier, type Workspace } from '../context.js';
import { median } from '../measure.js';
import { fmt } from '../report.js';
import { buildRoutes } from '../routes.js';
import { writeBenchSpecs } from '../synth-specs.js';
import type { OverheadResult } from './overhead.js';

const CONCURRENCY = 10;
export const CONTRACT_TARGET_MS = 0.2;

interface ContractTotals {
  readonly matched: number;
  readonly withSchema: number;
  readonly valid: number;
}

export async function benchContracts(cfg: BenchConfig, ws: Workspace, set: DocsSet): Promise<OverheadResult> {
  const label = `${set.plans.length} docs, ${cfg.latencyMs} ms, c${CONCURRENCY}, rps 0`;
  const specsDir = ws.path('bench-specs');
  const specs = await writeBenchSpecs(specsDir, set.plans, buildRoutes(set.plans));
  cfg.log(`contracts: ${specs.operations} operations in ${specs.files} spec files`);
  const run = (i: number, openapi: boolean, reportFile?: string) =>
    runVerifier(cfg, ws, set, {
      docsDir: set.docs.dir,
      concurrency: CONCURRENCY,
      rps: 0,
      stateDir: ws.path(`state-contracts-${openapi ? 'on' : 'off'}-${i}`),
      ...(reportFile ? { reportFile } : {}),
      ...(openapi ? { extraArgs: ['--openapi', specsDir] } : {}),
    });
  cfg.log('contracts: warm-up runs');
  await run(-1, false);
  await run(-1, true);
  const plain: RunSample[] = [];
  const checked: RunSample[] = [];
  const totals: ContractTotals[] = [];
  for (let i = 0; i < cfg.reps; i++) {
    const report = ws.path(`report-contracts-${i}.json`);
    // Alternate which goes first so that drift in the machine's load hits both equally.
    const on = async () => {
      checked.push(await run(i, true, report));
      const json = JSON.parse(await readFile(report, 'utf8')) as { contract?: ContractTotals };
      totals.push(json.contract ?? { matched: 0, withSchema: 0, valid: 0 });
    };
    const off = async () => {
      plain.push(await run(i, false));
    };
    if (i % 2 === 0) {
      await off();
      await on();
    } else {
      await on();
      await off();
    }
    const last = totals[totals.length - 1];
    cfg.log(
      `  rep ${i + 1}: CPU ${fmt.s(plain[i]?.cpuMs ?? 0)} without, ${fmt.s(checked[i]?.cpuMs ?? 0)} with --openapi (${last?.withSchema} validated)`,
    );
  }
  const validated = median(totals.map((t) => t.withSchema));
  const cpuOff = median(plain.map((s) => s.cpuMs));
  const cpuOn = median(checked.map((s) => s.cpuMs));
  // Per pair as well: the median of the pairs' differences is less sensitive to one noisy run.
  const perPair = plain.map(
    (p, i) => ((checked[i]?.cpuMs ?? 0) - p.cpuMs) / Math.max(1, totals[i]?.withSchema ?? 1),
  );
  const extra = median(perPair);
  return {
    rows: [
      {
        workload: label,
        measure: 'responses validated against their schema (--openapi, bench specs)',
        verifier: `${fmt.n(validated)} (${fmt.n(median(totals.map((t) => t.valid)))} valid, ${fmt.n(median(totals.map((t) => t.matched)))} steps matched; ${specs.operations} operations)`,
      },
      {
        workload: label,
        measure: 'CPU time with --openapi (floor column: the same runs without)',
        verifier: fmt.s(cpuOn),
        floor: fmt.s(cpuOff),
        ratio: fmt.x(cpuOn / cpuOff),
      },
      {
        workload: label,
        measure: 'extra CPU per validated response (with --openapi − without, ÷ validated; median of pairs)',
        verifier: fmt.ms(extra, 3),
        target: `≤ ${CONTRACT_TARGET_MS} ms`,
        met: extra <= CONTRACT_TARGET_MS,
      },
    ],
    raw: { specs, plain: plain.map(cpuOf), checked: checked.map(cpuOf), totals, perPairMs: perPair },
  };
}

function cpuOf(s: RunSample) {
  return { wallMs: s.wallMs, cpuMs: s.cpuMs, requests: s.requests, code: s.code };
}
