// The local store gathers doc results into groups, each committed once (one results append per run,
// one doc-records commit): a group goes when GROUP_SIZE results wait, GROUP_WAIT_MS after its first
// result, or at flush(); the engine's recorder flushes when a run drains.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createLocalStateStore, GROUP_SIZE, GROUP_WAIT_MS } from '../../lambda/adapters/local/state-store.js';
import { emptySummary } from '../../lambda/engine/model.js';
import { createRecorder } from '../../lambda/engine/run/record.js';
import { docResult } from '../contract/state-store.contract.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verifier-state-groups-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const at = '2026-01-01T00:00:00.000Z';
/** 300 ms of real time, without setTimeout (the tests fake it, so no group timer fires). */
const realPause = () =>
  new Promise<void>((resolve) => {
    const start = Date.now();
    const spin = () => (Date.now() - start >= 300 ? resolve() : setImmediate(spin));
    spin();
  });
/** Whether `p` is acknowledged while real I/O gets 300 ms. */
const within = (p: Promise<unknown>) =>
  Promise.race([p.then(() => 'acknowledged'), realPause().then(() => 'waiting')]);

it('holds a lone result until its group is flushed, then stores it durably', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const store = createLocalStateStore({ dir });
  const lone = store.recordDocResult('r1', docResult('a/one.md', 'fail', at));
  expect(await within(lone)).toBe('waiting');
  expect(await createLocalStateStore({ dir }).getRunResults('r1')).toEqual([]);
  await store.flush();
  expect((await lone).consecutiveFailures).toBe(1);
  const fresh = createLocalStateStore({ dir });
  expect((await fresh.getRunResults('r1')).map((r) => r.doc)).toEqual(['a/one.md']);
  expect((await fresh.getDocState('a/one.md'))?.outcome).toBe('fail');
});

it(`commits a full group of ${GROUP_SIZE} results without waiting for the timer`, async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const store = createLocalStateStore({ dir });
  const ids = Array.from({ length: GROUP_SIZE }, (_, i) => `a/doc-${i}.md`);
  const all = Promise.all(ids.map((id) => store.recordDocResult('r1', docResult(id, 'pass', at))));
  expect(await within(all)).toBe('acknowledged');
  expect((await createLocalStateStore({ dir }).getRunResults('r1')).map((r) => r.doc)).toEqual(ids);
});

it(`commits a partial group ${GROUP_WAIT_MS} ms after its first result`, async () => {
  const store = createLocalStateStore({ dir });
  const started = performance.now();
  await store.recordDocResult('r1', docResult('a/one.md', 'pass', at));
  expect(performance.now() - started).toBeGreaterThanOrEqual(GROUP_WAIT_MS - 1);
  expect((await createLocalStateStore({ dir }).getDocState('a/one.md'))?.outcome).toBe('pass');
});

it('a draining recorder flushes the store, so the last results of a run wait for no timer', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const store = createLocalStateStore({ dir });
  const summary = emptySummary();
  const recorder = createRecorder({ store, runId: 'r1', concurrency: 4, summary, emit: () => {} });
  recorder.record(docResult('a/one.md', 'pass', at));
  recorder.record(docResult('a/two.md', 'fail', at));
  expect(await within(recorder.drain())).toBe('acknowledged');
  expect(summary).toMatchObject({ total: 2, pass: 1, fail: 1 });
  expect(recorder.fault).toBeUndefined();
});
