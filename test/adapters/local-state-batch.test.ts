// The local store's group commit of doc-state updates (state/doc-batch.ts): calls made together go
// into one flush under ONE docs lock, each call still gets its own exact DocState, nothing is lost
// between store instances or processes, and a failing flush rejects exactly its own callers.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DOCS_BATCH_LOCK,
  docBatchStats,
  FLUSH_INTERVAL_MS,
} from '../../lambda/adapters/local/state/doc-batch.js';
import { keyToFileName } from '../../lambda/adapters/local/state/paths.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { Outcome } from '../../lambda/engine/model.js';
import type { DocState, StateStore } from '../../lambda/engine/ports.js';
import { docResult } from '../contract/state-store.contract.js';

const T = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const FAILING = new Set<Outcome>(['fail', 'error', 'blocked']);

/** What a doc's state must say after `outcomes` (started at T(0), T(1), ...), computed by hand. */
function expected(outcomes: readonly Outcome[]): Pick<DocState, 'outcome' | 'since' | 'consecutiveFailures'> {
  const last = outcomes.length - 1;
  const outcome = outcomes[last] as Outcome;
  let first = last;
  while (first > 0 && outcomes[first - 1] === outcome) first--;
  let failures = 0;
  for (let i = last; i >= 0 && FAILING.has(outcomes[i] as Outcome); i--) failures++;
  return { outcome, since: T(first), consecutiveFailures: failures };
}

const settled = (ps: readonly Promise<unknown>[]) => Promise.allSettled(ps);
const stats = () => ({ ...docBatchStats });
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('local state store: group commit of doc states', () => {
  let dir: string;
  let store: StateStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verifier-batch-'));
    store = createLocalStateStore({ dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const legacyFile = (doc: string) => join(dir, 'docs', `${keyToFileName(doc)}.json`);

  it('gives every concurrent call its exact state, for the same and for different docs', async () => {
    const patterns: Outcome[][] = [
      ['fail', 'fail', 'pass', 'fail', 'error', 'blocked', 'pass', 'pass', 'fail', 'fail', 'fail', 'skip'],
      ['pass', 'pass', 'pass', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail'],
      ['skip', 'invalid', 'fail', 'pass', 'fail', 'pass', 'fail', 'pass', 'error', 'error', 'pass', 'pass'],
      [
        'error',
        'error',
        'error',
        'error',
        'error',
        'error',
        'blocked',
        'fail',
        'fail',
        'fail',
        'fail',
        'pass',
      ],
      ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'fail'],
    ];
    const before = stats();
    const calls: { doc: number; step: number; state: Promise<DocState> }[] = [];
    const fire = (from: number, to: number) => {
      for (let step = from; step < to; step++)
        patterns.forEach((pattern, doc) => {
          const outcome = pattern[step] as Outcome;
          const result = docResult(`mix/doc-${doc}.md`, outcome, T(step));
          calls.push({ doc, step, state: store.recordDocResult(`run-${step}`, result) });
        });
    };
    // the first half in one tick; the rest while that flush is in flight (so it lands in later flushes)
    fire(0, 6);
    await nextTurn();
    await nextTurn();
    fire(6, 9);
    await nextTurn();
    fire(9, 12);

    for (const { doc, step, state } of calls) {
      const pattern = patterns[doc] as Outcome[];
      expect(await state).toMatchObject(expected(pattern.slice(0, step + 1)));
    }
    for (const [doc, pattern] of patterns.entries()) {
      expect(await store.getDocState(`mix/doc-${doc}.md`)).toMatchObject({
        ...expected(pattern),
        lastRunId: 'run-11',
        lastRunAt: T(11),
      });
    }
    const after = stats();
    expect(after.flushes - before.flushes).toBeGreaterThanOrEqual(2);
    expect(after.updates - before.updates).toBe(60);
    for (let step = 0; step < 12; step++) {
      expect((await store.getRunResults(`run-${step}`)).map((r) => r.doc)).toEqual(
        patterns.map((_, doc) => `mix/doc-${doc}.md`),
      );
    }
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
    // no per-doc file: every state is a line of the journal, the last one per doc is the current one
    expect((await readdir(dir)).sort()).toEqual(['businesses', 'docs.jsonl', 'locks', 'mutex', 'runs']);
    const last = new Map<string, DocState>();
    for (const line of (await readFile(join(dir, 'docs.jsonl'), 'utf8')).trimEnd().split('\n').slice(1)) {
      const state = JSON.parse(line) as DocState;
      last.set(state.doc, state);
    }
    expect([...last.keys()].sort()).toEqual(patterns.map((_, doc) => `mix/doc-${doc}.md`).sort());
    for (const [doc, pattern] of patterns.entries())
      expect(last.get(`mix/doc-${doc}.md`)).toMatchObject(expected(pattern));
  });

  it('takes the docs lock once per flush, not once per doc', async () => {
    const before = stats();
    const states = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.recordDocResult('r1', docResult(`many/doc-${i % 10}.md`, 'fail', T(i))),
      ),
    );
    const after = stats();
    expect(after.flushes - before.flushes).toBe(1);
    expect(after.locksTaken - before.locksTaken).toBe(1);
    expect(states.map((s) => s.consecutiveFailures)).toEqual(
      Array.from({ length: 40 }, (_, i) => Math.floor(i / 10) + 1),
    );
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('results arriving one by one share flushes (at most one flush start per FLUSH_INTERVAL_MS); a first one goes at once', async () => {
    await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS + 5));
    const quiet = stats();
    await store.recordDocResult('r1', docResult('solo/doc.md', 'pass', T(0)));
    expect(stats().waits - quiet.waits).toBe(0);

    // Ten callers, each recording 10 results one after another with a little work in between (as ten
    // docs in flight do): flushed one by one, that is about one flush per result.
    const before = stats();
    const streams = Array.from({ length: 10 }, async (_, s) => {
      for (let i = 0; i < 10; i++) {
        await new Promise<void>((r) => setTimeout(r, 1 + s));
        await store.recordDocResult('r2', docResult(`load/doc-${s}.md`, i % 3 === 0 ? 'fail' : 'pass', T(i)));
      }
    });
    await Promise.all(streams);
    const after = stats();
    expect(after.updates - before.updates).toBe(100);
    expect(after.waits - before.waits).toBeGreaterThan(0);
    expect(after.flushes - before.flushes).toBeLessThanOrEqual(30);
    expect((await store.getRunResults('r2')).length).toBe(100);
    const s3 = await store.getDocState('load/doc-3.md');
    expect(s3).toMatchObject({ lastRunAt: T(9), outcome: 'fail', consecutiveFailures: 1 });
  });

  it('flushSoon (the run is done) writes held results without waiting for company', async () => {
    const slow = createLocalStateStore({ dir, flushIntervalMs: 60_000 });
    await slow.recordDocResult('r1', docResult('last/a.md', 'pass', T(0)));
    const before = stats();
    // Right after a flush, a result waits (here a minute) for others to share the next one...
    const held = slow.recordDocResult('r1', docResult('last/b.md', 'fail', T(1)));
    await vi.waitFor(() => expect(stats().waits - before.waits).toBe(1));
    // ...unless the caller says nothing more is coming.
    slow.flushSoon?.();
    await expect(held).resolves.toMatchObject({ doc: 'last/b.md', outcome: 'fail' });
    expect((await slow.getRunResults('r1')).map((r) => r.doc)).toEqual(['last/a.md', 'last/b.md']);
  });

  it('waits for a docs lock held by a live process, acknowledging nothing until it is released', async () => {
    const patient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 10_000 } });
    await patient.recordDocResult('r0', docResult('wait/a.md', 'fail', T(0)));
    const lock = join(dir, 'mutex', DOCS_BATCH_LOCK);
    await writeFile(lock, `${hostname()}:${process.pid}`);
    let acknowledged = 0;
    const calls = ['wait/a.md', 'wait/b.md', 'wait/a.md'].map((doc, i) =>
      patient.recordDocResult('r1', docResult(doc, 'fail', T(i + 1))).then((s) => {
        acknowledged++;
        return s;
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(acknowledged).toBe(0);
    expect(await patient.getDocState('wait/b.md')).toBeUndefined();
    await rm(lock);
    expect((await Promise.all(calls)).map((s) => s.consecutiveFailures)).toEqual([2, 1, 3]);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('gives up on a docs lock a live holder never releases, naming it', async () => {
    const impatient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 100 } });
    await mkdir(join(dir, 'mutex'), { recursive: true });
    await writeFile(join(dir, 'mutex', DOCS_BATCH_LOCK), `${hostname()}:${process.pid}`);
    await expect(impatient.recordDocResult('r1', docResult('a/d.md', 'fail', T(0)))).rejects.toThrow(
      /docs-batch still held after 100 ms/,
    );
  });

  it('rejects every caller of a flush whose journal cannot be written; the next flush works', async () => {
    await store.recordDocResult('r0', docResult('ok/y.md', 'fail', T(0)));
    const journal = join(dir, 'docs.jsonl');
    const before = await readFile(journal, 'utf8');
    await rm(journal);
    await mkdir(journal);
    const flushes = stats().flushes;
    const outcomes = await settled([
      store.recordDocResult('r1', docResult('bad/x.md', 'fail', T(1))),
      store.recordDocResult('r1', docResult('ok/y.md', 'fail', T(1))),
    ]);
    expect(stats().flushes - flushes).toBe(1);
    expect(outcomes).toMatchObject([
      { status: 'rejected', reason: { code: 'EISDIR' } },
      { status: 'rejected', reason: { code: 'EISDIR' } },
    ]);
    expect(await readdir(journal)).toEqual([]);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await rm(journal, { recursive: true });
    await writeFile(journal, before);
    const next = await Promise.all([
      store.recordDocResult('r2', docResult('bad/x.md', 'fail', T(3))),
      store.recordDocResult('r2', docResult('ok/y.md', 'fail', T(3))),
    ]);
    expect(next.map((s) => s.consecutiveFailures)).toEqual([1, 2]);
  });

  it('treats a garbage legacy state file as no state, leaves it alone, and the journal wins from then on', async () => {
    await mkdir(join(dir, 'docs'), { recursive: true });
    await writeFile(legacyFile('junk/x.md'), '{"doc": 42}');
    const [fromJunk, good] = await Promise.all([
      store.recordDocResult('r1', docResult('junk/x.md', 'fail', T(1))),
      store.recordDocResult('r1', docResult('ok/y.md', 'pass', T(1))),
    ]);
    expect(fromJunk).toMatchObject({ outcome: 'fail', consecutiveFailures: 1, since: T(1) });
    expect(good).toMatchObject({ outcome: 'pass' });
    expect(await readFile(legacyFile('junk/x.md'), 'utf8')).toBe('{"doc": 42}');
    expect((await store.getDocState('junk/x.md'))?.consecutiveFailures).toBe(1);
    expect(await readdir(join(dir, 'docs'))).toEqual([`${keyToFileName('junk/x.md')}.json`]);
  });

  it('rejects every caller of a flush that cannot take its lock, and the next flush works', async () => {
    await store.recordDocResult('r0', docResult('a/one.md', 'fail', T(0)));
    await rm(join(dir, 'mutex'), { recursive: true });
    await writeFile(join(dir, 'mutex'), 'not a folder');
    const before = stats();
    const outcomes = await settled(
      ['a/one.md', 'a/two.md', 'b/three.md'].map((doc, i) =>
        store.recordDocResult('r1', docResult(doc, 'fail', T(i + 1))),
      ),
    );
    expect(stats().flushes - before.flushes).toBe(1);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await store.getDocState('a/one.md'))?.consecutiveFailures).toBe(1);
    expect(await store.getDocState('a/two.md')).toBeUndefined();

    await rm(join(dir, 'mutex'));
    await mkdir(join(dir, 'mutex'));
    const next = await Promise.all(
      ['a/one.md', 'a/two.md'].map((doc) => store.recordDocResult('r2', docResult(doc, 'fail', T(9)))),
    );
    expect(next.map((s) => s.consecutiveFailures)).toEqual([2, 1]);
  });

  it('leaves the doc state alone when the result line cannot be appended, and only for that run', async () => {
    await store.startRun({ runId: 'r-bad', startedAt: T(0), status: 'running' });
    await mkdir(join(dir, 'runs', 'r-bad', 'results.jsonl'));
    const [bad, good] = await settled([
      store.recordDocResult('r-bad', docResult('a/bad.md', 'fail', T(1))),
      store.recordDocResult('r-good', docResult('a/good.md', 'fail', T(1))),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'EISDIR' } });
    expect(good).toMatchObject({ status: 'fulfilled', value: { consecutiveFailures: 1 } });
    expect(await store.getDocState('a/bad.md')).toBeUndefined();
    expect((await store.getRunResults('r-good')).map((r) => r.doc)).toEqual(['a/good.md']);
  });

  it('loses nothing when two store instances with their own queues record into one folder', async () => {
    // different mutex options: separate queues in this process, so they meet at the lock file
    const other = createLocalStateStore({ dir, mutex: { staleMs: 10_000, timeoutMs: 29_000 } });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? store : other).recordDocResult(`r${i % 2}`, docResult(`two/doc-${i % 5}.md`, 'fail', T(i))),
      ),
    );
    for (let d = 0; d < 5; d++)
      expect((await store.getDocState(`two/doc-${d}.md`))?.consecutiveFailures).toBe(40);
    expect((await store.getRunResults('r0')).length).toBe(100);
    expect((await store.getRunResults('r1')).length).toBe(100);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });
});

describe('local state store: batches from two processes on one folder', () => {
  const repo = resolve(import.meta.dirname, '../..');
  const storeModule = join(repo, 'lambda/adapters/local/state-store.ts');
  // Waits for its peer, then records `rounds` failing results for each of `docs` shared docs, all
  // at once (so each flush holds many docs and several results per doc).
  const program = `
const { createLocalStateStore } = await import(${JSON.stringify(storeModule)});
const { writeFile, readdir } = await import('node:fs/promises');
const [dir, runId, docs, rounds] = process.argv.slice(1);
const store = createLocalStateStore({ dir });
await store.startRun({ runId, startedAt: new Date().toISOString(), status: 'running' });
await writeFile(dir + '/ready-' + runId, '');
while ((await readdir(dir)).filter((n) => n.startsWith('ready-')).length < 2) await new Promise((r) => setTimeout(r, 5));
const calls = [];
for (let r = 0; r < Number(rounds); r++)
  for (let d = 0; d < Number(docs); d++)
    calls.push(store.recordDocResult(runId, {
      doc: 'shared/doc-' + d + '.md', domain: 'shared', outcome: 'fail', durationMs: 1,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, r)).toISOString(), steps: [],
    }));
await Promise.all(calls);
`;
  const run = (dir: string, runId: string, docs: number, rounds: number) =>
    new Promise<void>((res, rej) => {
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', program, dir, runId, String(docs), String(rounds)],
        { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      proc.stderr?.on('data', (c) => {
        err += c;
      });
      proc.on('error', rej);
      proc.on('close', (code) => (code === 0 ? res() : rej(new Error(`child exited ${code}: ${err}`))));
    });

  it('lose no update', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verifier-batch-proc-'));
    try {
      const [docs, rounds] = [25, 8];
      await Promise.all([run(dir, 'run-a', docs, rounds), run(dir, 'run-b', docs, rounds)]);
      const store = createLocalStateStore({ dir });
      for (let d = 0; d < docs; d++)
        expect((await store.getDocState(`shared/doc-${d}.md`))?.consecutiveFailures).toBe(2 * rounds);
      for (const runId of ['run-a', 'run-b'])
        expect(await store.getRunResults(runId)).toHaveLength(docs * rounds);
      expect(await readdir(join(dir, 'mutex'))).toEqual([]);
      expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n === 'docs')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
