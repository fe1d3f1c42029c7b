import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyToFileName } from '../../lambda/adapters/local/state/paths.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { business, describeStateStoreContract, docResult } from '../contract/state-store.contract.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'verifier-state-'));

describeStateStoreContract('local files', async () => {
  const dir = await tempDir();
  return {
    store: createLocalStateStore({ dir }),
    reopen: () => createLocalStateStore({ dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('local state store on disk', () => {
  let dir: string;
  let store: StateStore;
  beforeEach(async () => {
    dir = await tempDir();
    store = createLocalStateStore({ dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps one file per doc, run, business and health record, in the documented layout', async () => {
    await store.startRun({ runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await store.recordDocResult('r1', docResult('communication/post.md', 'pass', '2026-01-01T00:00:00.000Z'));
    await store.putBusiness(business('biz', 1), 0);
    await store.putHealth('mute', 'm1', { until: 'x' }, 0, '2026-01-01T00:00:00.000Z');
    expect((await readdir(dir)).sort()).toEqual(['businesses', 'docs', 'health', 'locks', 'mutex', 'runs']);
    expect((await readdir(join(dir, 'runs', 'r1'))).sort()).toEqual(['results.jsonl', 'run.json']);
    expect(await readdir(join(dir, 'businesses'))).toEqual(['biz.json']);
    expect(await readdir(join(dir, 'health', 'mute'))).toEqual(['m1.json']);
    expect(await readdir(join(dir, 'docs'))).toEqual(['communication%2Fpost%2Emd.json']);
    const record = JSON.parse(await readFile(join(dir, 'docs', 'communication%2Fpost%2Emd.json'), 'utf8'));
    expect(record).toMatchObject({
      state: { doc: 'communication/post.md', outcome: 'pass' },
      history: [{ runId: 'r1', outcome: 'pass' }],
      uptime: [{ day: '2026-01-01', runs: 1, passed: 1, counted: 1 }],
    });
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('keeps hostile ids inside the store folder', async () => {
    await store.startRun({ runId: '../../escape', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await store.recordDocResult('../../escape', docResult('../x.md', 'pass', '2026-01-01T00:00:00.000Z'));
    expect(await readdir(join(dir, 'runs'))).toEqual(['%2E%2E%2F%2E%2E%2Fescape']);
    expect((await store.getRunResults('../../escape')).map((r) => r.doc)).toEqual(['../x.md']);
    expect((await store.getDocState('../x.md'))?.doc).toBe('../x.md');
  });

  it('ignores a temp file left by a crash between write and rename', async () => {
    await store.recordDocResult('r1', docResult('a/d.md', 'fail', '2026-01-01T00:00:00.000Z'));
    // what a process killed after writing its temp file (before the rename) leaves behind
    await writeFile(join(dir, 'docs', '.a%2Fd%2Emd.json.999.abc.tmp'), '{"state":{"doc":"a/d.md","outc');
    await writeFile(join(dir, 'businesses', '.biz.json.999.abc.tmp'), '{');
    expect((await store.listDocStates()).map((s) => [s.doc, s.outcome])).toEqual([['a/d.md', 'fail']]);
    expect(await store.listBusinesses()).toEqual([]);
    const next = await store.recordDocResult('r2', docResult('a/d.md', 'fail', '2026-01-02T00:00:00.000Z'));
    expect(next.consecutiveFailures).toBe(2);
  });

  it('skips a torn last line of results.jsonl and appends after it cleanly', async () => {
    await store.startRun({ runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await store.recordDocResult('r1', docResult('a/one.md', 'pass', '2026-01-01T00:00:00.000Z'));
    const file = join(dir, 'runs', 'r1', 'results.jsonl');
    // a writer killed mid-append: half a JSON line, no newline
    await writeFile(file, `${await readFile(file, 'utf8')}{"doc":"a/torn.md","domain":"a","outc`);
    expect((await store.getRunResults('r1')).map((r) => r.doc)).toEqual(['a/one.md']);
    await store.recordDocResult('r1', docResult('a/two.md', 'pass', '2026-01-01T00:00:01.000Z'));
    expect((await store.getRunResults('r1')).map((r) => r.doc)).toEqual(['a/one.md', 'a/two.md']);
  });

  it('breaks a mutex abandoned by a crashed holder once it is stale', async () => {
    const quick = createLocalStateStore({ dir, mutex: { staleMs: 50, timeoutMs: 5_000 } });
    await quick.putBusiness(business('biz', 1), 0);
    const abandoned = join(dir, 'mutex', 'business-biz');
    await writeFile(abandoned, 'elsewhere:1');
    const old = new Date(Date.now() - 60_000);
    await utimes(abandoned, old, old);
    expect(await quick.putBusiness(business('biz', 2), 1)).toBe(true);
  });

  it('breaks at once a mutex whose holder process on this host is gone', async () => {
    const patient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 2_000 } });
    await patient.putBusiness(business('biz', 1), 0);
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    await writeFile(join(dir, 'mutex', 'business-biz'), `${hostname()}:${gone}`);
    expect(await patient.putBusiness(business('biz', 2), 1)).toBe(true);
  });

  it('waits for a mutex whose holder is alive', async () => {
    const impatient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 100 } });
    await impatient.putBusiness(business('biz', 1), 0);
    const held = join(dir, 'mutex', 'business-biz');
    await writeFile(held, `${hostname()}:${process.pid}`);
    await expect(impatient.putBusiness(business('biz', 2), 1)).rejects.toThrow(/still held/);
    await rm(held);
    expect(await impatient.putBusiness(business('biz', 2), 1)).toBe(true);
  });

  it('gives up with a message naming the lock when a live holder never lets go', async () => {
    const impatient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 100 } });
    await impatient.putBusiness(business('biz', 1), 0);
    await writeFile(join(dir, 'mutex', 'business-biz'), `${hostname()}:${process.pid}`);
    await expect(impatient.putBusiness(business('biz', 2), 1)).rejects.toThrow(
      /business-biz still held after 100 ms/,
    );
  });

  it('appends concurrent results of one run in call order, each readable once acknowledged', async () => {
    await store.startRun({ runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    const ids = Array.from({ length: 40 }, (_, i) => `many/doc-${String(i).padStart(2, '0')}.md`);
    const seen: number[] = [];
    await Promise.all(
      ids.map(async (id, i) => {
        await store.recordDocResult('r1', docResult(id, i % 3 ? 'pass' : 'fail', '2026-01-01T00:00:00.000Z'));
        // acknowledged: this result and every one called before it is in the file already
        seen.push((await store.getRunResults('r1')).findIndex((r) => r.doc === id));
      }),
    );
    expect(seen.filter((at) => at < 0)).toEqual([]);
    expect((await store.getRunResults('r1')).map((r) => r.doc)).toEqual(ids);
    expect((await store.listDocStates({ domain: 'many' })).map((s) => s.doc)).toEqual(ids);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('appends a result without the run lock, which only guards the run record', async () => {
    const impatient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 100 } });
    await impatient.startRun({ runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await writeFile(join(dir, 'mutex', 'run-r1'), `${hostname()}:${process.pid}`);
    await impatient.recordDocResult('r1', docResult('a/d.md', 'pass', '2026-01-01T00:00:00.000Z'));
    expect((await impatient.getRunResults('r1')).map((r) => r.doc)).toEqual(['a/d.md']);
    const summary = { total: 1, pass: 1, fail: 0, error: 0, blocked: 0, invalid: 0, skip: 0 };
    await expect(impatient.finishRun('r1', '2026-01-01T00:01:00.000Z', summary)).rejects.toThrow(
      /still held/,
    );
  });

  it('loses no update when two store instances in one process record the same doc at once', async () => {
    const other = createLocalStateStore({ dir });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? store : other).recordDocResult(
          `r${i % 2}`,
          docResult('a/d.md', 'fail', '2026-01-01T00:00:00.000Z'),
        ),
      ),
    );
    expect((await store.getDocState('a/d.md'))?.consecutiveFailures).toBe(30);
    expect((await store.getRunResults('r0')).length + (await store.getRunResults('r1')).length).toBe(30);
  });

  it('waits for the docs lock file whose holder is alive, and breaks one whose holder is gone', async () => {
    const impatient = createLocalStateStore({ dir, mutex: { staleMs: 60_000, timeoutMs: 100 } });
    await impatient.recordDocResult('r1', docResult('a/d.md', 'fail', '2026-01-01T00:00:00.000Z'));
    // one lock file for the doc records: each group commit takes it once
    const lock = join(dir, 'mutex', 'docs');
    await writeFile(lock, `${hostname()}:${process.pid}`);
    await expect(
      impatient.recordDocResult('r2', docResult('a/d.md', 'fail', '2026-01-02T00:00:00.000Z')),
    ).rejects.toThrow(/mutex\/docs still held after 100 ms/);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(lock, `${hostname()}:${gone.stdout.toString()}`);
    const next = await impatient.recordDocResult(
      'r3',
      docResult('a/d.md', 'fail', '2026-01-03T00:00:00.000Z'),
    );
    expect(next.consecutiveFailures).toBe(2);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('leaves the doc state alone when the result line cannot be stored, and only for that run', async () => {
    await store.startRun({ runId: 'r-bad', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await mkdir(join(dir, 'runs', 'r-bad', 'results.jsonl'));
    await store.recordDocResult('r0', docResult('a/bad.md', 'pass', '2026-01-01T00:00:00.000Z'));
    const [bad, good] = await Promise.allSettled([
      store.recordDocResult('r-bad', docResult('a/bad.md', 'fail', '2026-01-01T00:00:01.000Z')),
      store.recordDocResult('r-good', docResult('a/good.md', 'fail', '2026-01-01T00:00:01.000Z')),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'EISDIR' } });
    expect(good).toMatchObject({ status: 'fulfilled', value: { consecutiveFailures: 1 } });
    expect(await store.getDocState('a/bad.md')).toMatchObject({ outcome: 'pass', lastRunId: 'r0' });
    expect((await store.listDocHistory(10, ['a/bad.md'])).get('a/bad.md')?.map((e) => e.runId)).toEqual([
      'r0',
    ]);
    expect((await readdir(join(dir, 'docs'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('commits a group whose results of one doc partly failed to store: only the stored ones count', async () => {
    await store.startRun({ runId: 'r-bad', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await mkdir(join(dir, 'runs', 'r-bad', 'results.jsonl'));
    // handed in together: they share a group commit, the failed line's result is left out of it
    const [first, bad, last] = await Promise.allSettled([
      store.recordDocResult('r-1', docResult('a/x.md', 'fail', '2026-01-01T00:00:00.000Z')),
      store.recordDocResult('r-bad', docResult('a/x.md', 'fail', '2026-01-01T00:00:01.000Z')),
      store.recordDocResult('r-2', docResult('a/x.md', 'fail', '2026-01-01T00:00:02.000Z')),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { consecutiveFailures: 1 } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'EISDIR' } });
    expect(last).toMatchObject({ status: 'fulfilled', value: { consecutiveFailures: 2, lastRunId: 'r-2' } });
    const fresh = createLocalStateStore({ dir });
    expect((await fresh.listDocHistory(10, ['a/x.md'])).get('a/x.md')?.map((e) => e.runId)).toEqual([
      'r-2',
      'r-1',
    ]);
    expect(await readdir(join(dir, 'mutex'))).toEqual([]);
  });

  it('refuses to build on a doc file that is not a doc record, naming the file; other docs are unaffected', async () => {
    await store.recordDocResult('r1', docResult('a/d.md', 'fail', '2026-01-01T00:00:00.000Z'));
    await store.recordDocResult('r1', docResult('a/e.md', 'pass', '2026-01-01T00:00:00.000Z'));
    const file = join(dir, 'docs', `${keyToFileName('a/d.md')}.json`);
    await writeFile(file, '{"state":{"doc":"a/d.md","outcome":42}}');
    await expect(store.getDocState('a/d.md')).rejects.toThrow(/a%2Fd%2Emd\.json: unexpected content/);
    await expect(
      store.recordDocResult('r2', docResult('a/d.md', 'fail', '2026-01-02T00:00:00.000Z')),
    ).rejects.toThrow(/remove or repair|unexpected content/);
    expect(await readFile(file, 'utf8')).toBe('{"state":{"doc":"a/d.md","outcome":42}}');
    expect((await store.getDocState('a/e.md'))?.outcome).toBe('pass');
    await rm(file);
    expect(
      (await store.recordDocResult('r3', docResult('a/d.md', 'fail', '2026-01-03T00:00:00.000Z')))
        .consecutiveFailures,
    ).toBe(1);
  });
});

describe('state file names', () => {
  it('are readable for ordinary lower-case ids', () => {
    expect(keyToFileName('communication/post_platform_v1_messages.md')).toBe(
      'communication%2Fpost_platform_v1_messages%2Emd',
    );
  });

  it('stay distinct on a case-insensitive file system', () => {
    const keys = ['crm/Client.md', 'crm/client.md', 'CRM/client.md', 'biz-ABC', 'biz-abc'];
    const folded = keys.map((k) => keyToFileName(k).toLowerCase());
    expect(new Set(folded).size).toBe(keys.length);
  });

  it('are bounded in length and distinct for long ids sharing a prefix', () => {
    const a = keyToFileName(`${'x'.repeat(400)}/a.md`);
    const b = keyToFileName(`${'x'.repeat(400)}/b.md`);
    expect(a.length).toBeLessThanOrEqual(180);
    expect(a).not.toBe(b);
  });

  it('never contain a path separator, a leading dot or a temp suffix, whatever the key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), (key) => {
        const name = keyToFileName(key);
        expect(name).not.toMatch(/[/\\]/);
        expect(name.startsWith('.')).toBe(false);
        expect(name.endsWith('.tmp')).toBe(false);
        expect(name.length).toBeLessThanOrEqual(180);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('round-trip a store item under a key with a lone surrogate', async () => {
    const dir = await tempDir();
    try {
      const store = createLocalStateStore({ dir });
      await store.putBusiness(business('b\uD800x', 1), 0);
      expect((await store.getBusiness('b\uD800x'))?.version).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
