// Measures the local state store's recordDocResult: 350 results at concurrency 10 into a temp
// folder (one process), as a first run (docs new to the store) and a second run on the same folder
// (docs already in it), then prints wall ms per doc and CPU (user + system) ms per doc for each.
// Usage: npx tsx scripts/state-bench.ts [docs=350] [concurrency=10] [repeats=3] [store module]
// (the store module defaults to this checkout's; pass another checkout's to compare on one machine)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { createLocalStateStore as Create } from '../lambda/adapters/local/state-store.js';
import type { DocResult } from '../lambda/engine/model.js';

const [docs = 350, concurrency = 10, repeats = 3] = process.argv.slice(2, 5).map(Number);
const modulePath =
  process.argv[5] ?? new URL('../lambda/adapters/local/state-store.ts', import.meta.url).pathname;
const { createLocalStateStore } = (await import(modulePath)) as { createLocalStateStore: typeof Create };

function result(i: number): DocResult {
  const outcome = i % 7 === 0 ? 'fail' : 'pass';
  return {
    doc: `domain-${i % 12}/doc-${i}.md`,
    domain: `domain-${i % 12}`,
    outcome,
    durationMs: 20,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
    steps: [
      {
        id: 'create',
        phase: 'prerequisite',
        line: 12,
        method: 'POST',
        expected: [201],
        status: 201,
        outcome: 'pass',
        durationMs: 10,
      },
      {
        id: 'call',
        phase: 'test',
        line: 30,
        method: 'GET',
        expected: [200],
        status: outcome === 'pass' ? 200 : 500,
        outcome,
        durationMs: 10,
        bodyExcerpt: 'x'.repeat(300),
      },
    ],
  };
}

interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly sysMs: number;
}

/** Records `docs` results as one run into `dir`; CPU and wall time of the recording only. */
async function record(dir: string, runId: string): Promise<Measure> {
  const store = createLocalStateStore({ dir });
  await store.startRun({ runId, startedAt: new Date().toISOString(), status: 'running' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < docs; i = next++) await store.recordDocResult(runId, result(i));
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await store.finishRun(runId, new Date().toISOString(), {
    total: docs,
    pass: 0,
    fail: 0,
    error: 0,
    blocked: 0,
    invalid: 0,
    skip: 0,
  });
  if ((await store.getRunResults(runId)).length !== docs) throw new Error('results lost');
  if ((await store.listDocStates()).length !== docs) throw new Error('doc states lost');
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000 };
}

const line = (what: string, m: Measure) =>
  `${docs} docs, concurrency ${concurrency}, ${what}: ${(m.wallMs / docs).toFixed(3)} ms/doc wall, ${(m.cpuMs / docs).toFixed(3)} ms/doc CPU (user+sys, all threads; sys ${(m.sysMs / docs).toFixed(3)})`;

// Folders are removed after the last repeat, not between repeats: on ext4 the kernel's inode
// allocation gets slower after many recent deletions, so a repeat could measure the previous
// repeat's clean-up (the store itself now creates only a lock file per flush, and a temp file per
// compaction).
const dirs: string[] = [];
try {
  for (let r = 0; r < repeats; r++) {
    const dir = await mkdtemp(join(tmpdir(), 'state-bench-'));
    dirs.push(dir);
    // A first run adds every doc to the journal; a second run appends their next states (the steady
    // state of a folder that `verifier run` uses day after day).
    console.log(line('new docs', await record(dir, `bench-${r}-first`)));
    console.log(line('existing docs', await record(dir, `bench-${r}-again`)));
  }
} finally {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
