// A run fanned out over shards (issue 14), in process: the verify handler plans 2,000 docs with a
// shard budget small enough to need several shards, and the state machine's steps are played
// against it (bench/fanout-sim.ts) with one local target at a cap of 50 requests/s. Each shard has
// its own HTTP client at its share of the cap, as separate Lambdas would. The target runs in its own
// process (target-process.ts): sharing this busy loop, it stamped arrivals late and bunched.
import { rm } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { RunArtifacts } from '../../lambda/adapters/s3/run-artifacts.js';
import { createSfnRunExecutions } from '../../lambda/adapters/sfn/run-executions.js';
import type { FanOutInput } from '../../lambda/handlers/fanout/events.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { type BenchConfig, CREDENTIALS, type DocsSet, type Workspace } from '../context.js';
import { invocationContext, playStateMachine } from '../fanout-sim.js';
import { fmt } from '../report.js';
import { startTargetProcess } from '../target-process.js';
import type { OverheadResult } from './overhead.js';

const CAP = 50;

function memoryArtifacts(): RunArtifacts {
  const objects = new Map<string, string>();
  return {
    put: async (runId, name, value) => void objects.set(`${runId}/${name}`, JSON.stringify(value)),
    get: async <T>(runId: string, name: string) => {
      const text = objects.get(`${runId}/${name}`);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    list: async (runId, folder) =>
      [...objects.keys()]
        .filter((k) => k.startsWith(`${runId}/${folder}/`))
        .map((k) => k.slice(runId.length + 1))
        .sort(),
  };
}

export async function benchFanOut(cfg: BenchConfig, ws: Workspace, set: DocsSet): Promise<OverheadResult> {
  const target = await startTargetProcess(set.docs.dir, cfg.latencyMs);
  const stateDir = ws.path('state-fanout');
  await rm(stateDir, { recursive: true, force: true });
  const store = createLocalStateStore({ dir: stateDir });
  const clients: UndiciHttpClient[] = [];
  const httpFor = (rps: number) => {
    const c = createUndiciHttpClient({ rps, timeoutMs: 30_000 });
    clients.push(c);
    return c;
  };
  const sent: StartExecutionCommand['input'][] = [];
  const sfn = {
    send: async (command: StartExecutionCommand) => {
      sent.push(command.input);
      return { executionArn: `arn:local:${command.input.name}` };
    },
  } as unknown as SFNClient;
  const handler = createVerifyHandler({
    config: {
      baseUrl: target.baseUrl,
      fallbackUrl: target.fallbackUrl,
      partnersUrl: target.partnersUrl,
      concurrency: 8,
      allowDelete: false,
      lockName: 'verifier-run',
      stopMarginMs: 1000,
      rps: CAP,
      // Small enough that 2,000 docs need several shards (a real Lambda's budget is 540 s).
      shardBudgetMs: 60_000,
      maxParallelShards: 5,
    },
    store,
    docs: createLocalDocSource(set.docs.dir),
    credentials: { load: async () => CREDENTIALS },
    http: httpFor(CAP),
    logger: new Logger({ serviceName: 'verifier', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'VerifierBench', serviceName: 'verifier' }),
    fanOut: {
      executions: createSfnRunExecutions({ client: sfn, stateMachineArn: 'arn:local:fanout' }),
      artifacts: memoryArtifacts(),
      httpFor,
    },
  });
  const label = `${set.plans.length} docs fanned out, ${cfg.latencyMs} ms, rps ${CAP}`;
  try {
    const started = await handler({ runId: 'bench-fanout' }, invocationContext());
    if (started.status !== 'started') throw new Error(`expected a fanned-out run, got ${started.status}`);
    const input = JSON.parse(sent[0]?.input ?? '{}') as FanOutInput;
    cfg.log(
      `fan-out: ${input.shards.length} shards, ${input.maxConcurrency} at once, ${input.shards[0]?.rps} req/s each`,
    );
    await target.reset();
    // The shards share this process's event loop (the target has its own): its worst delay says how
    // far the shards' own timing was from a Lambda's.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    const played = await playStateMachine(handler, input);
    const wall = performance.now() - t0;
    lag.disable();
    const stats = await target.stats();
    const results = await store.getRunResults('bench-fanout');
    const docs = new Set(results.map((r) => r.doc));
    const bound = (stats.requests / CAP) * 1000 * 1.1;
    const maxWindow = stats.maxInWindow(1000);
    const finished = played.finish.status === 'finished';
    return {
      rows: [
        {
          workload: label,
          measure: `wall of the shards and finish (${input.shards.length} shards, ${input.maxConcurrency} at once)`,
          verifier: fmt.s(wall),
          ratio: fmt.x(wall / ((stats.requests / CAP) * 1000)),
          target: `≤ ${stats.requests}/${CAP} × 1.10 = ${fmt.s(bound)}`,
          met: wall <= bound && finished,
        },
        {
          workload: label,
          measure: 'max requests the target saw in any 1 s window',
          verifier: fmt.n(maxWindow),
          target: `≤ ${CAP}`,
          met: maxWindow <= CAP,
        },
        {
          workload: label,
          measure: 'worst event-loop delay of the shards (their process; the target runs in its own)',
          verifier: fmt.ms(lag.max / 1e6),
        },
        {
          workload: label,
          measure: 'docs with exactly one result',
          verifier: `${docs.size} of ${set.plans.length} (${results.length} results)`,
          target: `${set.plans.length}`,
          met: docs.size === set.plans.length && results.length === set.plans.length,
        },
      ],
      raw: {
        wallMs: wall,
        requests: stats.requests,
        maxWindow,
        shards: input.shards.length,
        peak: played.peakShards,
      },
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await target.close();
  }
}
