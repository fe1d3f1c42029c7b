// Issue 15: "validation must not add more than 0.2 ms per validated response on the bench workload".
// The overhead workload's docs (350, c10, no cap) run with and without `--openapi` over specs that
// describe every Test Request response the bench target returns (bench/synth-specs.ts), interleaved;
// the extra CPU of the `--openapi` runs, divided by the responses they validated (the report's
// `contract.withSchema`), is the row. It includes everything `--openapi` adds: loading
// json-schema-ref-parser and Ajv, reading and bundling the specs, compiling each operation's schema
// once, validating.
import { readFile } from 'node:fs/promises';
import { loadSpecs } from '../../lambda/adapters/openapi/load-specs.js';
import { ContractChecker } from '../../lambda/engine/promises/contract.js';
import { indexOperations, matchOperation } from '../../lambda/engine/promises/operations.js';
import { type BenchConfig, type DocsSet, type RunSample, runVerifier, type Workspace } from '../context.js';
import { isRunnable } from '../doc-plan.js';
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
  // In process, without the noise of two whole runs' CPU: the same responses through what
  // `--openapi` adds (read and bundle the specs, index them, match each step, check its body).
  const replayed = await replay(specsDir, set, Math.max(3, cfg.reps));
  cfg.log(
    `contracts: in process, ${replayed.validated} responses, ${replayed.perResponseMs.map((m) => m.toFixed(3)).join(', ')} ms each`,
  );
  const inProcess = median(replayed.perResponseMs);
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
        measure:
          'extra CPU per validated response, whole runs (with --openapi − without, ÷ validated; median of pairs; noisy under load)',
        verifier: fmt.ms(extra, 3),
      },
      {
        workload: label,
        measure: `CPU to load, bundle and index the ${specs.files} spec files, in process (once per run; on AWS once per container until a spec changes)`,
        verifier: fmt.ms(median(replayed.loadMs)),
      },
      {
        workload: label,
        measure: `CPU per validated response in process: match the operation, compile (once per operation), check the body (${replayed.validated} responses; median of ${replayed.perResponseMs.length})`,
        verifier: fmt.ms(inProcess, 3),
        target: `≤ ${CONTRACT_TARGET_MS} ms`,
        met: inProcess <= CONTRACT_TARGET_MS,
      },
    ],
    raw: {
      specs,
      plain: plain.map(cpuOf),
      checked: checked.map(cpuOf),
      totals,
      perPairMs: perPair,
      inProcess: replayed,
    },
  };
}

function cpuOf(s: RunSample) {
  return { wallMs: s.wallMs, cpuMs: s.cpuMs, requests: s.requests, code: s.code };
}

/** What `--openapi` adds to a run, timed in this process: `reps` fresh loads and checkers. */
async function replay(specsDir: string, set: DocsSet, reps: number) {
  const routes = buildRoutes(set.plans);
  const steps = set.plans
    .filter(isRunnable)
    .flatMap((d) => d.steps.filter((s) => s.phase === 'test'))
    .flatMap((s) => {
      const answer = routes.match(
        s.method,
        (s.path.split('?')[0] ?? '').replace(/\{\{[^}]*\}\}/g, 'bench_value'),
      );
      return answer
        ? [{ method: s.method, path: s.path, status: answer.status, body: answer.body, id: s.id }]
        : [];
    });
  const perResponseMs: number[] = [];
  const loadMs: number[] = [];
  let validated = 0;
  const cpu = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < reps; i++) {
    const start = process.cpuUsage();
    const index = indexOperations((await loadSpecs(specsDir)).specs);
    loadMs.push(cpu(start));
    const checking = process.cpuUsage();
    const checker = new ContractChecker();
    for (const s of steps) {
      const op = matchOperation(index, s.method, s.path);
      if (op) await checker.check(s.id, op, s.status, s.body);
    }
    validated = checker.totals.withSchema;
    perResponseMs.push(cpu(checking) / Math.max(1, validated));
  }
  return { validated, perResponseMs, loadMs };
}
