// What every workload shares: where the bundles are, the credentials the verifier is given, docs sets
// (corpus + synthetic) each with its own target server, and the two commands being compared.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunnable, type PlanDoc, planDocs } from './doc-plan.js';
import { buildFloorPlan, type SentSteps, sentStepsFromReport } from './floor-plan.js';
import { type Measurement, measureNode } from './measure.js';
import { buildRoutes } from './routes.js';
import { type DocsDir, prepareDocsDir } from './synth-docs.js';
import { startTargetServer, type TargetServer } from './target-server.js';

export interface BenchConfig {
  readonly root: string;
  readonly corpusDir: string;
  readonly latencyMs: number;
  readonly reps: number;
  readonly quick: boolean;
  readonly log: (line: string) => void;
  /** The CLI bundle under test; default dist/verifier.mjs (`--verifier` compares another build). */
  readonly verifierCli?: string;
  /** When set, every verifier run writes a V8 CPU profile here (`--cpu-prof`); see scripts/profile-top.mjs. */
  readonly profileDir?: string;
}

/** Repo root: this module runs as dist/bench.mjs (or bench/context.ts in tests); both sit one level down. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CREDENTIALS = {
  tokens: Object.fromEntries(
    ['staff', 'directory', 'app', 'client', 'admin', 'internal', 'partner'].map((t) => [
      t,
      `bench-${t}-token-9f3a`,
    ]),
  ),
  params: {
    business_id: '1001',
    business_uid: 'biz_bench_uid',
    staff_id: '2002',
    staff_uid: 'staff_bench_uid',
    client_id: '3003',
    client_uid: 'client_bench_uid',
    matter_uid: 'matter_bench_uid',
    service_id: '4004',
    directory_id: '5005',
  },
};

export interface DocsSet {
  readonly docs: DocsDir;
  readonly plans: readonly PlanDoc[];
  readonly server: TargetServer;
  close(): Promise<void>;
}

export interface Workspace {
  readonly dir: string;
  readonly tokensFile: string;
  path(name: string): string;
  close(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'verifier-bench-'));
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify(CREDENTIALS));
  return {
    dir,
    tokensFile,
    path: (name) => join(dir, name),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function openDocsSet(cfg: BenchConfig, total: number): Promise<DocsSet> {
  const docs = await prepareDocsDir(cfg.corpusDir, total);
  const plans = await planDocs(docs.dir);
  const server = await startTargetServer({ latencyMs: cfg.latencyMs, routes: buildRoutes(plans) });
  return {
    docs,
    plans,
    server,
    close: async () => {
      await server.close();
      await docs.cleanup();
    },
  };
}

export interface VerifierRunOptions {
  readonly docsDir: string;
  readonly concurrency: number;
  readonly rps: number;
  readonly stateDir: string;
  readonly reportFile?: string;
  /** More CLI flags, e.g. `--openapi DIR` (the contract row). */
  readonly extraArgs?: readonly string[];
}

export interface RunSample extends Measurement {
  /** Requests the target saw. */
  readonly requests: number;
  readonly unmatched: number;
  /** Spawn to first request at the target, ms. */
  readonly firstRequestMs: number;
  /** Last request at the target to the process's exit, ms (the target's latency included). */
  readonly lastRequestToExitMs: number;
  readonly maxPerSecond: number;
}

async function sample(
  set: DocsSet,
  run: (onSpawn: (at: number) => void) => Promise<Measurement>,
): Promise<RunSample> {
  set.server.reset();
  let spawnedAt = 0;
  const m = await run((at) => {
    spawnedAt = at;
  });
  const stats = set.server.stats();
  return {
    ...m,
    requests: stats.requests,
    unmatched: stats.unmatched,
    firstRequestMs: stats.firstAt === undefined ? Number.NaN : stats.firstAt - spawnedAt,
    lastRequestToExitMs: stats.lastAt === undefined ? Number.NaN : spawnedAt + m.wallMs - stats.lastAt,
    maxPerSecond: stats.maxInWindow(1000),
  };
}

/** `node dist/verifier.mjs run ...` against the set's target, measured. Throws on a usage or internal error. */
export async function runVerifier(cfg: BenchConfig, ws: Workspace, set: DocsSet, o: VerifierRunOptions) {
  const args = [
    cfg.verifierCli ?? join(cfg.root, 'dist/verifier.mjs'),
    'run',
    ...['--docs', o.docsDir, '--base-url', set.server.baseUrl, '--fallback-url', set.server.fallbackUrl],
    ...['--partners-url', set.server.partnersUrl, '--tokens', ws.tokensFile],
    ...['--concurrency', String(o.concurrency), '--rps', String(o.rps), '--state', o.stateDir],
    ...(o.reportFile ? ['--report', `json=${o.reportFile}`] : []),
    ...(o.extraArgs ?? []),
  ];
  const nodeFlags = cfg.profileDir ? ['--cpu-prof', '--cpu-prof-dir', cfg.profileDir] : [];
  const s = await sample(set, (onSpawn) => measureNode(args, { onSpawn, nodeFlags }));
  if (s.code !== 0 && s.code !== 1) {
    throw new Error(`verifier run exited ${s.code}: ${s.stderr.slice(-2000)}`);
  }
  return s;
}

/** Writes the floor's plan: exactly the steps the verifier sent (from its report) when given. */
export async function writeFloorPlan(ws: Workspace, set: DocsSet, reportFile?: string): Promise<string> {
  let sent: SentSteps | undefined;
  if (reportFile) sent = sentStepsFromReport(JSON.parse(await readFile(reportFile, 'utf8')));
  const plan = buildFloorPlan(set.plans, { ...set.server, ...CREDENTIALS }, isRunnable, sent);
  const file = ws.path(`floor-plan-${set.plans.length}.json`);
  await writeFile(file, JSON.stringify(plan));
  return file;
}

export async function runFloorChild(
  cfg: BenchConfig,
  set: DocsSet,
  planFile: string,
  concurrency: number,
  rps = 0,
) {
  const args = [join(cfg.root, 'dist/bench-floor.mjs'), planFile, String(concurrency), String(rps)];
  const s = await sample(set, (onSpawn) => measureNode(args, { onSpawn }));
  if (s.code !== 0) throw new Error(`floor exited ${s.code}: ${s.stderr.slice(-2000)}`);
  return s;
}
