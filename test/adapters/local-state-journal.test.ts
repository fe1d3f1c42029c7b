// The local store's doc-state journal (state/doc-journal.ts): DIR/docs.jsonl, one DocState per line,
// the last valid line per doc wins. Replay after a torn line, another process's appends seen through
// the offset, compaction under concurrent readers and writers, the legacy docs/<key>.json fallback,
// and no file created per doc.
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACT_MIN_LINES, journalStats } from '../../lambda/adapters/local/state/doc-journal.js';
import { keyToFileName } from '../../lambda/adapters/local/state/paths.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { DocState, StateStore } from '../../lambda/engine/ports.js';
import { docResult } from '../contract/state-store.contract.js';

const T = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

let dir: string;
let store: StateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verifier-journal-'));
  store = createLocalStateStore({ dir });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const journal = () => join(dir, 'docs.jsonl');
const journalLines = async () => (await readFile(journal(), 'utf8')).split('\n');
const failures = async (s: StateStore, doc: string) => (await s.getDocState(doc))?.consecutiveFailures;

describe('doc-state journal', () => {
  it('replays a journal whose last line was torn by a crash, and never glues the next line to it', async () => {
    await store.recordDocResult('r1', docResult('a/one.md', 'fail', T(0)));
    await store.recordDocResult('r1', docResult('a/two.md', 'pass', T(0)));
    // a writer killed mid-append: half a state line, no newline
    await appendFile(journal(), '{"doc":"a/one.md","domain":"a","outcome":"pass","since":"x","consec');
    const fresh = createLocalStateStore({ dir });
    expect(await fresh.getDocState('a/one.md')).toMatchObject({ outcome: 'fail', consecutiveFailures: 1 });
    expect((await fresh.listDocStates()).map((s) => s.doc)).toEqual(['a/one.md', 'a/two.md']);

    const next = await fresh.recordDocResult('r2', docResult('a/one.md', 'fail', T(1)));
    expect(next.consecutiveFailures).toBe(2);
    const lines = await journalLines();
    // header, one, two, the torn bytes on a line of their own, the new line, the final newline
    expect(lines).toHaveLength(6);
    expect(lines[3]).toMatch(/"consec$/);
    expect(JSON.parse(lines[4] as string)).toMatchObject({ doc: 'a/one.md', consecutiveFailures: 2 });
    for (const s of [store, fresh, createLocalStateStore({ dir })]) {
      expect(await failures(s, 'a/one.md')).toBe(2);
      expect((await s.getDocState('a/two.md'))?.outcome).toBe('pass');
    }
  });

  it('reads only the bytes appended since it last looked, and sees a line only once it is complete', async () => {
    await store.recordDocResult('r1', docResult('a/one.md', 'fail', T(0)));
    const reader = createLocalStateStore({ dir });
    expect(await failures(reader, 'a/one.md')).toBe(1);
    const full = journalStats.fullReads;
    const incremental = journalStats.incrementalReads;
    // another writer's line, in two pieces: half of it is not a state yet
    const line = JSON.stringify({
      doc: 'a/one.md',
      domain: 'a',
      outcome: 'fail',
      since: T(0),
      consecutiveFailures: 7,
      lastRunId: 'other',
      lastRunAt: T(5),
    });
    await appendFile(journal(), line.slice(0, 30));
    expect(await failures(reader, 'a/one.md')).toBe(1);
    await appendFile(journal(), `${line.slice(30)}\n`);
    expect(await failures(reader, 'a/one.md')).toBe(7);
    expect(journalStats.fullReads).toBe(full);
    expect(journalStats.incrementalReads - incremental).toBe(2);
  });

  it('sees the states another process appended, through its offset, and builds on them', async () => {
    const repo = resolve(import.meta.dirname, '../..');
    const storeModule = join(repo, 'lambda/adapters/local/state-store.ts');
    const program = `
const { createLocalStateStore } = await import(${JSON.stringify(storeModule)});
const [dir] = process.argv.slice(1);
const store = createLocalStateStore({ dir });
for (let i = 0; i < 3; i++)
  await store.recordDocResult('child', { doc: 'p/shared.md', domain: 'p', outcome: 'fail', durationMs: 1,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)).toISOString(), steps: [] });
await store.recordDocResult('child', { doc: 'p/child-only.md', domain: 'p', outcome: 'pass', durationMs: 1,
  startedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, 9)).toISOString(), steps: [] });
`;
    await store.recordDocResult('parent', docResult('p/shared.md', 'fail', T(0)));
    expect(await failures(store, 'p/shared.md')).toBe(1);
    const full = journalStats.fullReads;
    await new Promise<void>((res, rej) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program, dir], {
        cwd: repo,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      proc.stderr?.on('data', (c) => {
        err += c;
      });
      proc.on('error', rej);
      proc.on('close', (code) => (code === 0 ? res() : rej(new Error(`child exited ${code}: ${err}`))));
    });
    expect(await failures(store, 'p/shared.md')).toBe(4);
    expect((await store.listDocStates({ domain: 'p' })).map((s) => s.doc)).toEqual([
      'p/child-only.md',
      'p/shared.md',
    ]);
    // the writer refreshes too, under the lock: its next state counts the child's results
    expect(
      (await store.recordDocResult('parent', docResult('p/shared.md', 'fail', T(9)))).consecutiveFailures,
    ).toBe(5);
    expect(journalStats.fullReads).toBe(full); // same file all along: offsets only, no re-read
  });

  it('compacts the journal under concurrent readers and writers; an old offset still reads correct states', async () => {
    // separate queues in this process (different mutex options): two writers meeting at the lock
    const other = createLocalStateStore({ dir, mutex: { staleMs: 10_000, timeoutMs: 29_000 } });
    const reader = createLocalStateStore({ dir });
    const docs = Array.from({ length: 8 }, (_, d) => `c/doc-${d}.md`);
    await store.recordDocResult('r', docResult(docs[0] as string, 'fail', T(0)));
    expect(await failures(reader, docs[0] as string)).toBe(1); // the reader now holds an offset
    const compactions = journalStats.compactions;
    const rounds = 80; // 2 writers x 80 rounds x 8 docs: well over the compaction threshold
    let writing = true;
    const seen = new Map<string, number>();
    const watch = (async () => {
      // a reader polling all along: a doc's failure count never goes back nor disappears
      while (writing) {
        for (const s of await reader.listDocStates({ domain: 'c' })) {
          expect(s.consecutiveFailures).toBeGreaterThanOrEqual(seen.get(s.doc) ?? 0);
          seen.set(s.doc, s.consecutiveFailures);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const write = async (s: StateStore, runId: string) => {
      for (let r = 0; r < rounds; r++)
        await Promise.all(docs.map((doc) => s.recordDocResult(runId, docResult(doc, 'fail', T(r)))));
    };
    await Promise.all([write(store, 'ra'), write(other, 'rb')]);
    writing = false;
    await watch;
    expect(journalStats.compactions - compactions).toBeGreaterThanOrEqual(1);
    expect(seen.size).toBe(docs.length);
    const expected = (doc: string) => 2 * rounds + (doc === docs[0] ? 1 : 0);
    for (const s of [store, other, reader, createLocalStateStore({ dir })])
      for (const doc of docs) expect(await failures(s, doc)).toBe(expected(doc));
    // compacted: far fewer lines than the 1,280 states appended
    expect((await journalLines()).length).toBeLessThan(COMPACT_MIN_LINES);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('re-reads a journal replaced by another one, even of the same size', async () => {
    await store.recordDocResult('r1', docResult('a/one.md', 'fail', T(0)));
    const reader = createLocalStateStore({ dir });
    expect(await failures(reader, 'a/one.md')).toBe(1);
    // another journal of the same length renamed over (what a compaction elsewhere does)
    const text = await readFile(journal(), 'utf8');
    const replaced = text.replace('"consecutiveFailures":1', '"consecutiveFailures":9');
    expect(replaced.length).toBe(text.length);
    await writeFile(join(dir, 'next.tmp'), replaced);
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, 'next.tmp'), journal());
    expect(await failures(reader, 'a/one.md')).toBe(9);
  });
});

describe('doc states written by an earlier version (docs/<key>.json)', () => {
  const legacyState = (doc: string, consecutiveFailures: number): DocState => ({
    doc,
    domain: doc.split('/')[0] as string,
    outcome: 'fail',
    since: T(0),
    consecutiveFailures,
    lastRunId: 'old-run',
    lastRunAt: T(0),
  });
  const writeLegacy = async (state: DocState) => {
    await mkdir(join(dir, 'docs'), { recursive: true });
    await writeFile(join(dir, 'docs', `${keyToFileName(state.doc)}.json`), JSON.stringify(state, null, 2));
  };

  it('are read for docs the journal has no line for, and a new state wins over them', async () => {
    await writeLegacy(legacyState('old/a.md', 3));
    await writeLegacy(legacyState('old/b.md', 5));
    await writeFile(join(dir, 'docs', '.old%2Fa%2Emd.json.1.x.tmp'), '{"doc":"old/a.md"');
    expect(await store.getDocState('old/a.md')).toMatchObject({
      consecutiveFailures: 3,
      lastRunId: 'old-run',
    });
    expect((await store.listDocStates()).map((s) => [s.doc, s.consecutiveFailures])).toEqual([
      ['old/a.md', 3],
      ['old/b.md', 5],
    ]);
    // the writer takes the legacy state as the previous one
    const next = await store.recordDocResult('new-run', docResult('old/a.md', 'fail', T(1)));
    expect(next).toMatchObject({ consecutiveFailures: 4, since: T(0), lastRunId: 'new-run' });
    const passed = await store.recordDocResult('new-run', docResult('old/b.md', 'pass', T(1)));
    expect(passed).toMatchObject({ outcome: 'pass', consecutiveFailures: 0 });
    for (const s of [store, createLocalStateStore({ dir })]) {
      expect(await s.getDocState('old/a.md')).toMatchObject({ consecutiveFailures: 4, lastRunId: 'new-run' });
      expect((await s.listDocStates()).map((x) => [x.doc, x.outcome, x.consecutiveFailures])).toEqual([
        ['old/a.md', 'fail', 4],
        ['old/b.md', 'pass', 0],
      ]);
    }
    // legacy files are never written again
    expect(
      JSON.parse(await readFile(join(dir, 'docs', 'old%2Fa%2Emd.json'), 'utf8')).consecutiveFailures,
    ).toBe(3);
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual([
      '.old%2Fa%2Emd.json.1.x.tmp',
      'old%2Fa%2Emd.json',
      'old%2Fb%2Emd.json',
    ]);
  });
});

describe('files created by the store', () => {
  it('a 200-doc run on a fresh folder leaves exactly docs.jsonl for its doc states, no per-doc file', async () => {
    await store.startRun({ runId: 'big', startedAt: T(0), status: 'running' });
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = next++; i < 200; i = next++)
          await store.recordDocResult(
            'big',
            docResult(`d${i % 7}/doc-${i}.md`, i % 3 ? 'pass' : 'fail', T(i)),
          );
      }),
    );
    expect((await readdir(dir)).sort()).toEqual(['businesses', 'docs.jsonl', 'locks', 'mutex', 'runs']);
    expect(await readdir(join(dir, 'businesses'))).toEqual([]);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
    expect(await readdir(join(dir, 'runs'))).toEqual(['big']);
    expect((await readdir(join(dir, 'runs', 'big'))).sort()).toEqual(['results.jsonl', 'run.json']);
    // one header and one line per doc (each doc recorded once)
    const lines = (await journalLines()).filter((l) => l !== '');
    expect(lines).toHaveLength(201);
    expect(new Set(lines.slice(1).map((l) => (JSON.parse(l) as DocState).doc)).size).toBe(200);
    expect(await store.listDocStates()).toHaveLength(200);
  });

  it('reads from a folder that does not exist yet without creating anything', async () => {
    const missing = join(dir, 'not-yet');
    const s = createLocalStateStore({ dir: missing });
    expect(await s.getDocState('a/b.md')).toBeUndefined();
    expect(await s.listDocStates()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
