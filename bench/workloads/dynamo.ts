// DynamoDB writes per scheduled run: the 350-doc run against the DynamoDB state store on dynalite
// (in the runner child), twice: the first run finds no state (every doc state is new), the second is a
// steady-state run (only changed doc states are written).
import { join } from 'node:path';
import type { BenchConfig, DocsSet, Workspace } from '../context.js';
import { measureNode } from '../measure.js';
import type { Row } from '../report.js';
import type { OverheadResult } from './overhead.js';

interface Writes {
  run: number;
  result: number;
  history: number;
  uptime: number;
  doc: number;
  business: number;
  lock: number;
  requests: number;
}

export async function benchDynamo(cfg: BenchConfig, ws: Workspace, set: DocsSet): Promise<OverheadResult> {
  cfg.log(`dynamo: ${set.plans.length} docs against the DynamoDB state store on dynalite, 2 runs`);
  const m = await measureNode([
    join(cfg.root, 'dist/bench-runner.mjs'),
    ...['--mode', 'dynamo', '--docs', set.docs.dir, '--runs', '2', '--tokens', ws.tokensFile],
    ...['--base-url', set.server.baseUrl, '--fallback-url', set.server.fallbackUrl],
    ...['--partners-url', set.server.partnersUrl],
  ]);
  if (m.code !== 0) throw new Error(`bench-runner dynamo exited ${m.code}: ${m.stderr.slice(-2000)}`);
  const { perRun } = JSON.parse(m.stdout) as {
    perRun: {
      run: number;
      summary: { total: number };
      writes: Writes;
      stored: { results: number; docStates: number };
    }[];
  };
  const rows: Row[] = perRun.flatMap((r) => {
    const w = r.writes;
    const items = w.run + w.result + w.history + w.uptime + w.doc + w.business + w.lock;
    const docs = r.summary.total;
    const workload = `${docs} docs, DynamoDB store, ${r.run === 1 ? 'first run (no state yet)' : 'next run (steady state)'}`;
    return [
      {
        workload,
        measure: 'item writes (result + history + uptime + doc state + run + business) / requests',
        verifier: `${w.result} + ${w.history} + ${w.uptime} + ${w.doc} + ${w.run} + ${w.business} = ${items} items / ${w.requests} requests`,
        target: `≤ ${docs} × (result + history + uptime) + changed states + run; results batched`,
        // One result, history item and uptime bump per doc, changed states, the run record; batched.
        met:
          w.result <= docs &&
          w.history <= docs &&
          w.uptime <= docs &&
          w.doc <= docs &&
          w.run <= 2 &&
          w.requests < items,
      },
      {
        workload,
        measure: 'items in the table after the run: history / doc states',
        verifier: `${r.stored.results} / ${r.stored.docStates}`,
        target: `${docs} / ${docs} (nothing lost)`,
        met: r.stored.results === docs && r.stored.docStates === docs,
      },
    ];
  });
  return { rows, raw: { perRun } };
}
