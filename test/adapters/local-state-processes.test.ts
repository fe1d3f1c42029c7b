// Durability across processes: two verifier processes sharing one state folder, and a process
// killed with SIGKILL in the middle of recording. The children run real store code through tsx.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';

const repo = resolve(import.meta.dirname, '../..');
const storeModule = join(repo, 'lambda/adapters/local/state-store.ts');

// Shared by both child programs: a failing DocResult for `doc` in `runId`.
const prelude = `
const { createLocalStateStore } = await import(${JSON.stringify(storeModule)});
const [dir, runId, ...args] = process.argv.slice(1);
const store = createLocalStateStore({ dir });
const result = (doc, i) => ({
  doc, domain: doc.split('/')[0], outcome: 'fail', durationMs: 5, reason: 'expected 200, got 500',
  startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  steps: [{ id: 's', phase: 'test', line: 3, method: 'GET', expected: [200], status: 500, outcome: 'fail',
            durationMs: 5, bodyExcerpt: 'x'.repeat(600) }],
});
await store.startRun({ runId, startedAt: new Date().toISOString(), status: 'running' });
`;

// Waits until every peer is ready, then records `rounds` results for each shared doc, bumps a shared
// business counter with conditional writes, and tries to take the schedule lock.
const hammer = `${prelude}
const { writeFile, readdir } = await import('node:fs/promises');
const [peers, docs, rounds, bumps] = args.map(Number);
await writeFile(dir + '/ready-' + runId, '');
while ((await readdir(dir)).filter((n) => n.startsWith('ready-')).length < peers) await new Promise((r) => setTimeout(r, 5));
const gotLock = await store.acquireLock('schedule', runId, 600000, new Date());
for (let r = 0; r < rounds; r++) {
  await Promise.all(Array.from({ length: docs }, (_, d) => store.recordDocResult(runId, result('shared/doc-' + d + '.md', r))));
  if (r < bumps) {
    for (;;) {
      const cur = await store.getBusiness('biz');
      const v = cur?.version ?? 0;
      const next = { businessId: 'biz', condition: 'ok', since: 'x', affectedDocs: [runId], version: v + 1, updatedAt: 'x' };
      if (await store.putBusiness(next, v)) break;
    }
  }
}
console.log(JSON.stringify({ gotLock }));
`;

// Records one doc after another forever, printing each id once its record is acknowledged.
const endless = `${prelude}
for (let i = 0; ; i++) {
  const doc = 'loop/doc-' + i + '.md';
  await store.recordDocResult(runId, result(doc, i));
  process.stdout.write(doc + '\\n');
}
`;

const children: ChildProcess[] = [];
function child(program: string, args: string[]): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program, ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return proc;
}

function finished(
  proc: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  let out = '';
  let err = '';
  proc.stdout?.on('data', (c) => {
    out += c;
  });
  proc.stderr?.on('data', (c) => {
    err += c;
  });
  return new Promise((res, rej) => {
    proc.on('error', rej);
    proc.on('close', (code, signal) =>
      code && code !== 0 ? rej(new Error(`child exited ${code}: ${err}`)) : res({ code, signal, out }),
    );
  });
}

describe('local state store shared by processes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verifier-state-proc-'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('two runs at once lose no update and tear no file', async () => {
    const [docs, rounds, bumps] = [4, 15, 10];
    const args = (runId: string) => [dir, runId, '2', String(docs), String(rounds), String(bumps)];
    const [a, b] = await Promise.all([
      finished(child(hammer, args('run-a'))),
      finished(child(hammer, args('run-b'))),
    ]);

    const store = createLocalStateStore({ dir });
    for (let d = 0; d < docs; d++) {
      const state = await store.getDocState(`shared/doc-${d}.md`);
      expect(state?.consecutiveFailures).toBe(2 * rounds);
    }
    for (const runId of ['run-a', 'run-b']) {
      const results = await store.getRunResults(runId);
      expect(results).toHaveLength(docs * rounds);
      expect(results.every((r) => r.steps[0]?.bodyExcerpt === 'x'.repeat(600))).toBe(true);
    }
    expect((await store.getBusiness('biz'))?.version).toBe(2 * bumps);
    const locks = [JSON.parse(a.out).gotLock, JSON.parse(b.out).gotLock];
    expect(locks.filter(Boolean)).toHaveLength(1);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
    for (const folder of ['', 'docs', 'businesses', 'locks'])
      expect((await readdir(join(dir, folder))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a run killed with SIGKILL leaves a readable store holding every doc it completed', async () => {
    const proc = child(endless, [dir, 'run-killed']);
    const done = finished(proc);
    const completed: string[] = [];
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    await new Promise<void>((res) => {
      lines.on('line', (id) => {
        completed.push(id);
        if (completed.length === 40) {
          proc.kill('SIGKILL');
          res();
        }
      });
    });
    const { signal } = await done;
    expect(signal).toBe('SIGKILL');

    const store = createLocalStateStore({ dir });
    const recorded = (await store.getRunResults('run-killed')).map((r) => r.doc);
    const printed = [...completed];
    expect(recorded.slice(0, printed.length)).toEqual(printed);
    for (const id of printed) expect((await store.getDocState(id))?.outcome).toBe('fail');
    expect((await store.listDocStates({ domain: 'loop' })).length).toBeGreaterThanOrEqual(printed.length);
    expect((await store.getRun('run-killed'))?.status).toBe('running');
    // the store stays writable after the crash
    await store.finishRun('run-killed', new Date().toISOString(), {
      total: recorded.length,
      pass: 0,
      fail: recorded.length,
      error: 0,
      blocked: 0,
      invalid: 0,
      skip: 0,
    });
    expect((await store.getRun('run-killed'))?.status).toBe('finished');
  });
});
