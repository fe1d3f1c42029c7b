// Recording results: each doc's result is stored and reported as soon as it is known, and a store
// that falls behind slows the run down instead of piling results up in memory (run/record.ts).
import { describe, expect, it, vi } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { MAX_UNSTORED } from '../../lambda/engine/run/record.js';
import { doc, run, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

const getStep = (path: string) => `  - id: s\n    method: GET\n    path: "${path}"`;

describe('recording results', () => {
  it('records every doc in the store as it completes and emits one doc-finished per doc', async () => {
    const docs = Object.fromEntries(
      ['a', 'b', 'c'].map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]),
    );
    const out = await run(api, { docs });
    const types = out.events.map((e) => e.type);
    expect(types[0]).toBe('run-started');
    expect(types.at(-1)).toBe('run-finished');
    expect(types.filter((t) => t === 'doc-finished')).toHaveLength(3);
    const stored = await out.store.getRunResults('run-1');
    expect(stored.map((r) => r.doc).sort()).toEqual(Object.keys(docs).sort());
    expect((await out.store.getRun('run-1'))?.status).toBe('finished');
    expect((await out.store.getDocState('clients/a.md'))?.outcome).toBe('pass');
  });

  it('frees the concurrency slot while a result is stored; no doc starts while MAX_UNSTORED results wait', async () => {
    const ids = Array.from(
      { length: MAX_UNSTORED + 6 },
      (_, i) => `clients/d${String(i).padStart(2, '0')}.md`,
    );
    const docs = Object.fromEntries(ids.map((id) => [id, doc({ test: getStep(`/${id.slice(8, 11)}`) })]));
    const inner = createLocalStateStore({ dir: await tempDir() });
    // The store holds every result until the test lets it go.
    const gates: (() => void)[] = [];
    const store: StateStore = {
      ...inner,
      recordDocResult: async (runId, result) => {
        await new Promise<void>((r) => gates.push(r));
        return inner.recordDocResult(runId, result);
      },
    };
    const done = run(api, { docs, store, options: { concurrency: 2 } });
    // Results wait for the store, yet the slots go on; once MAX_UNSTORED results wait, no doc starts;
    // the one still running (the other slot) finishes and waits too.
    await vi.waitFor(() => expect(gates).toHaveLength(MAX_UNSTORED + 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(gates).toHaveLength(MAX_UNSTORED + 1);
    expect(api.received).toHaveLength(MAX_UNSTORED + 1);
    const release = async () => {
      while (gates.length > 0) gates.shift()?.();
      await new Promise((r) => setTimeout(r, 20));
    };
    let out: Awaited<typeof done> | undefined;
    void done.then((o) => {
      out = o;
    });
    await vi.waitFor(async () => {
      await release();
      expect(out).toBeDefined();
    });
    expect(api.received).toHaveLength(ids.length);
    expect(Object.values(out?.docs ?? {}).map((d) => d.outcome)).toEqual(Array(ids.length).fill('pass'));
    expect((await inner.getRunResults('run-1')).length).toBe(ids.length);
  });

  it('fails the run when the store cannot record a result, and starts no doc after it', async () => {
    const docs = Object.fromEntries(
      ['a', 'b', 'c', 'd'].map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]),
    );
    const inner = createLocalStateStore({ dir: await tempDir() });
    const store: StateStore = {
      ...inner,
      recordDocResult: async (runId, result) => {
        if (result.doc === 'clients/a.md') throw new Error('disk full');
        return inner.recordDocResult(runId, result);
      },
    };
    await expect(run(api, { docs, store, options: { concurrency: 1 } })).rejects.toThrow('disk full');
    // The failure surfaced while b ran at most: c and d never started.
    expect(api.received.map((r) => r.path)).not.toContain('/apigw/c');
    expect(api.received.map((r) => r.path)).not.toContain('/apigw/d');
    expect((await inner.getRun('run-1'))?.status).toBe('failed');
  });
});
