// 2,000 docs: the CLI's peak RSS (and the floor's, for scale); then runDocs repeated in one process,
// RSS and heap sampled after gc, to show that state and reports are streamed, not accumulated.
import { join } from 'node:path';
import {
  type BenchConfig,
  type DocsSet,
  type RunSample,
  runFloorChild,
  runVerifier,
  type Workspace,
  writeFloorPlan,
} from '../context.js';
import { measureNode, median } from '../measure.js';
import { fmt, type Row } from '../report.js';
import type { OverheadResult } from './overhead.js';

export async function benchPeakRss(cfg: BenchConfig, ws: Workspace, set: DocsSet): Promise<OverheadResult> {
  const label = `${set.plans.length} docs, ${cfg.latencyMs} ms, c10, rps 0`;
  // Peak RSS varies little between runs, and a 2,000-doc run is long: one plain run (plus the report run).
  const reps = 1;
  const verifier: RunSample[] = [];
  const floor: RunSample[] = [];
  let withReport: RunSample | undefined;
  let plan: string;
  if (cfg.quick) {
    // Quick: the floor replays every step of every runnable doc (no report run to learn from).
    plan = await writeFloorPlan(ws, set);
  } else {
    // A JSON report holds every doc's result, so this run is shown apart from the peak-RSS runs.
    cfg.log(`memory: verifier run with --report json (${label})`);
    const report = ws.path('report-2000.json');
    withReport = await runVerifier(cfg, ws, set, {
      docsDir: set.docs.dir,
      concurrency: 10,
      rps: 0,
      stateDir: ws.path('state-2000-report'),
      reportFile: report,
    });
    plan = await writeFloorPlan(ws, set, report);
  }
  floor.push(await runFloorChild(cfg, set, plan, 10));
  for (let i = 0; i < reps; i++) {
    cfg.log(`memory: verifier run ${i + 1}/${reps} (${label})`);
    verifier.push(
      await runVerifier(cfg, ws, set, {
        docsDir: set.docs.dir,
        concurrency: 10,
        rps: 0,
        stateDir: ws.path(`state-2000-${i}`),
      }),
    );
  }
  const rss = median(verifier.map((s) => s.maxRssMb));
  const wall = median(verifier.map((s) => s.wallMs));
  const floorWall = median(floor.map((s) => s.wallMs));
  const rows: Row[] = [
    ...(withReport
      ? [{ workload: label, measure: 'peak RSS with --report json', verifier: fmt.mb(withReport.maxRssMb) }]
      : []),
    {
      workload: label,
      measure: 'peak RSS',
      verifier: fmt.mb(rss),
      floor: fmt.mb(median(floor.map((s) => s.maxRssMb))),
      target: '≤ 150 MB',
      met: rss <= 150,
    },
    {
      workload: label,
      measure: 'wall',
      verifier: fmt.s(wall),
      floor: fmt.s(floorWall),
      ratio: fmt.x(wall / floorWall),
    },
    {
      workload: label,
      measure: 'CPU per request',
      verifier: fmt.ms(median(verifier.map((s) => s.cpuMs / s.requests)), 2),
      floor: fmt.ms(median(floor.map((s) => s.cpuMs / s.requests)), 2),
    },
  ];
  return {
    rows,
    raw: {
      verifier: verifier.map(numbers),
      floor: floor.map(numbers),
      withReport: withReport && numbers(withReport),
    },
  };
}

interface GrowthSample {
  readonly run: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** The run's own CPU (all threads) and wall; absent for sample 0 (before any run). */
  readonly cpuMs?: number;
  readonly wallMs?: number;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return num / den;
}

export async function benchGrowth(cfg: BenchConfig, ws: Workspace, set: DocsSet): Promise<OverheadResult> {
  const runs = cfg.quick ? 3 : 6;
  const label = `${set.plans.length} docs × ${runs} runs, one process`;
  cfg.log(`growth: runDocs ${runs} times in one process (${set.plans.length} docs)`);
  set.server.reset();
  const m = await measureNode(
    [
      join(cfg.root, 'dist/bench-runner.mjs'),
      ...['--mode', 'growth', '--docs', set.docs.dir, '--runs', String(runs), '--tokens', ws.tokensFile],
      ...['--base-url', set.server.baseUrl, '--fallback-url', set.server.fallbackUrl],
      ...['--partners-url', set.server.partnersUrl, '--state', ws.path('state-growth')],
    ],
    { nodeFlags: ['--expose-gc'] },
  );
  if (m.code !== 0) throw new Error(`bench-runner growth exited ${m.code}: ${m.stderr.slice(-2000)}`);
  const { samples } = JSON.parse(m.stdout) as { samples: GrowthSample[] };
  // Every run sends the same requests; the target counted them all.
  const requestsPerRun = set.server.stats().requests / runs;
  const warm = samples.filter((s) => s.run >= 2);
  const warmCpuPerReq = median(warm.map((s) => (s.cpuMs ?? Number.NaN) / requestsPerRun));
  const warmWall = median(warm.map((s) => s.wallMs ?? Number.NaN));
  const coldCpuPerReq = (samples.find((s) => s.run === 1)?.cpuMs ?? Number.NaN) / requestsPerRun;
  // Run 1 warms caches (JIT, pools); growth is judged from run 1 on.
  const after = samples.filter((s) => s.run >= 1);
  const heapSlope = slope(after.map((s) => ({ x: s.run, y: s.heapUsedMb })));
  const first = after[0];
  const last = after[after.length - 1];
  const rss = after.map((s) => s.rssMb);
  return {
    rows: [
      {
        workload: label,
        measure: 'CPU per request: run 1 in the process → later runs (median; a warm Lambda container)',
        verifier: `${fmt.ms(coldCpuPerReq, 2)} → ${fmt.ms(warmCpuPerReq, 2)}`,
      },
      {
        workload: label,
        measure: 'wall of a later run (median; no process start, JIT warm)',
        verifier: fmt.s(warmWall),
      },
      {
        workload: label,
        measure: 'live heap after gc: run 1 → last',
        verifier: `${fmt.mb(first?.heapUsedMb ?? Number.NaN)} → ${fmt.mb(last?.heapUsedMb ?? Number.NaN)}`,
      },
      {
        workload: label,
        measure: 'live heap growth per run (least squares)',
        verifier: `${fmt.n(heapSlope * 1024, 0)} KB/run`,
        target: '≈ 0 (< 1 MB/run)',
        met: heapSlope < 1,
      },
      {
        // RSS follows V8's reserved heap (heapTotal), which breathes between runs; the live heap is
        // what would grow if results or state were accumulated.
        workload: label,
        measure: 'RSS after gc: run 1 → last (min–max)',
        verifier: `${fmt.mb(first?.rssMb ?? Number.NaN)} → ${fmt.mb(last?.rssMb ?? Number.NaN)} (${fmt.mb(Math.min(...rss))}–${fmt.mb(Math.max(...rss))})`,
        target: '≤ 150 MB',
        met: Math.max(...rss) <= 150,
      },
    ],
    raw: { samples },
  };
}

function numbers(s: RunSample) {
  const { stdout: _o, stderr: _e, ...rest } = s;
  return rest;
}
