// A fresh store whose first call is recordDocResult (no startRun before it) must create every folder
// it locks or writes in before using it, whatever order the folder creations finish in. The mkdir of
// the mutex folder is held back here until the doc's update would have needed it: before the fix the
// doc update took its lock file in a folder that did not exist yet (ENOENT, seen as a flaky test).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const mkdir: typeof real.mkdir = (async (path: Parameters<typeof real.mkdir>[0], options?: unknown) => {
    // the mutex folder's creation finishes last (a few ms later than the others)
    if (basename(String(path)) === 'mutex') await new Promise((r) => setTimeout(r, 30));
    return real.mkdir(path, options as never);
  }) as never;
  return { ...real, default: { ...real, mkdir }, mkdir };
});

const { createLocalStateStore } = await import('../../lambda/adapters/local/state-store.js');
const { docResult } = await import('../contract/state-store.contract.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verifier-state-folders-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it("records a fresh store's first doc result even when its mutex folder is created last", async () => {
  const store = createLocalStateStore({ dir });
  const state = await store.recordDocResult(
    'r1',
    docResult('crm/flaky.md', 'fail', '2026-01-01T00:00:00.000Z'),
  );
  expect(state).toMatchObject({ doc: 'crm/flaky.md', outcome: 'fail', consecutiveFailures: 1 });
  expect((await createLocalStateStore({ dir }).getDocState('crm/flaky.md'))?.outcome).toBe('fail');
});
