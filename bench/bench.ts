// `npm run bench`: the verifier against the floor of what its work costs on this machine (see
// issue 6 and the README's Performance section). Workloads run in child processes; medians of
// interleaved repetitions; a markdown table on stdout and the raw samples in bench-results/.
import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchConfig, createWorkspace, type DocsSet, openDocsSet, REPO_ROOT } from './context.js';
import { useNodeBinary } from './measure.js';
import { machine, type Row, renderMarkdown, writeJson } from './report.js';
import { serveTargetChild, TARGET_CHILD_ENV } from './target-process.js';
import { benchContracts } from './workloads/contracts.js';
import { benchDynamo } from './workloads/dynamo.js';
import { benchFanOut } from './workloads/fanout.js';
import { benchLambda } from './workloads/lambda.js';
import { benchGrowth, benchPeakRss } from './workloads/memory.js';
import { benchOverhead, benchRateCap, benchStartup, type OverheadResult } from './workloads/overhead.js';
import { benchStatusPage } from './workloads/status-page.js';

const WORKLOADS = [
  'overhead',
  'startup',
  'rps',
  'memory',
  'growth',
  'lambda',
  'dynamo',
  'fanout',
  'page',
  'contracts',
] as const;
type Workload = (typeof WORKLOADS)[number];

const USAGE = `usage: npm run bench -- [--quick] [--only ${WORKLOADS.join(',')}] [--reps N] [--latency MS] [--corpus DIR] [--out DIR]
  --quick     a short smoke run (2 repetitions, 1 rate-capped run, 3 growth runs, no report run)
  --only      comma-separated workloads (default: all)
  --reps      interleaved verifier/floor repetitions (default 5, quick 2)
  --latency   target server latency per request in ms (default 20)
  --corpus    the real docs (default ../shared/corpus)
  --out       where the JSON goes (default bench-results/)
  --verifier  another CLI bundle to measure instead of dist/verifier.mjs (e.g. a candidate fix)
  --node      run every measured child (verifier, floor, runner) on this Node binary, e.g. the
              Lambda runtime's: --node "$(npx -y node@22 -p process.execPath)"
  --profile   write a V8 CPU profile of every verifier run to this directory
              (summarise one with: node scripts/profile-top.mjs <file.cpuprofile>)`;

/** The commit the bench ran on (with `+` when the tree has changes), so a quoted result can be traced. */
function commit(): string {
  try {
    const opts: ExecFileSyncOptionsWithStringEncoding = {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'bin', 'cli', 'lambda'], opts).trim();
    return dirty ? `${head}+` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      latency: { type: 'string', default: '20' },
      corpus: { type: 'string' },
      out: { type: 'string' },
      verifier: { type: 'string' },
      profile: { type: 'string' },
      node: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...WORKLOADS];
  const unknown = only.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown workload ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const want = (w: Workload) => only.includes(w);
  const cfg: BenchConfig = {
    root: REPO_ROOT,
    corpusDir: values.corpus ?? join(REPO_ROOT, '../shared/corpus'),
    latencyMs: Number(values.latency),
    reps: Number(values.reps ?? (values.quick ? 2 : 5)),
    quick: values.quick,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(values.verifier ? { verifierCli: resolve(values.verifier) } : {}),
    ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
  };
  if (values.node) useNodeBinary(resolve(values.node));
  const started = new Date();
  const ws = await createWorkspace();
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const sets = new Map<number, DocsSet>();
  const docsSet = async (total: number) => {
    const existing = sets.get(total);
    if (existing) return existing;
    const set = await openDocsSet(cfg, total);
    sets.set(total, set);
    return set;
  };
  const step = async (name: Workload, run: () => Promise<OverheadResult>) => {
    if (!want(name)) return;
    try {
      const r = await run();
      rows.push(...r.rows);
      raw[name] = r.raw;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors[name] = message;
      rows.push({ workload: name, measure: 'failed', verifier: message.split('\n')[0] ?? '', met: false });
      cfg.log(`${name}: failed: ${message}`);
    }
  };
  try {
    await step('overhead', async () => benchOverhead(cfg, ws, await docsSet(350)));
    await step('startup', async () => benchStartup(cfg, ws, await docsSet(350)));
    await step('rps', async () => benchRateCap(cfg, ws, await docsSet(350)));
    await step('dynamo', async () => benchDynamo(cfg, ws, await docsSet(350)));
    await step('memory', async () => benchPeakRss(cfg, ws, await docsSet(2000)));
    await step('growth', async () => benchGrowth(cfg, ws, await docsSet(350)));
    await step('lambda', () => benchLambda(cfg));
    await step('fanout', async () => benchFanOut(cfg, ws, await docsSet(2000)));
    await step('page', () => benchStatusPage(cfg, ws));
    await step('contracts', async () => benchContracts(cfg, ws, await docsSet(350)));
  } finally {
    for (const set of sets.values()) await set.close();
    await ws.close();
  }
  const m = machine(
    values.node
      ? execFileSync(resolve(values.node), ['-p', 'process.version'], { encoding: 'utf8' }).trim()
      : undefined,
  );
  const note = `${values.verifier ? `CLI ${values.verifier}` : `Commit ${commit()}`}; target latency ${cfg.latencyMs} ms; ${cfg.reps} interleaved repetitions, medians${cfg.quick ? ' (quick run)' : ''}.`;
  const markdown = renderMarkdown(rows, m, note);
  process.stdout.write(markdown);
  const file = await writeJson(
    values.out ?? join(REPO_ROOT, 'bench-results'),
    {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: m,
      config: { ...cfg, log: undefined },
      rows,
      errors,
      raw,
    },
    started,
  );
  process.stderr.write(`bench: JSON written to ${file}\n`);
  return Object.keys(errors).length > 0 ? 1 : 0;
}

const targetChild = process.env[TARGET_CHILD_ENV];
if (targetChild) void serveTargetChild(targetChild);
else
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
