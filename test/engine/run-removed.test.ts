// Docs deleted or renamed (issue 14, defect 7): a full run that no longer finds a doc marks its state
// removed; removed docs leave the doc listings and the status page; a filtered run marks nothing; a
// doc that comes back is listed again.
import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { buildStatusView } from '../../lambda/report-html/status-view.js';
import { doc, run, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();
const getStep = (path: string) => `  - id: s\n    method: GET\n    path: "${path}"`;
const docsOf = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [`clients/${n}.md`, doc({ test: getStep(`/${n}`) })]));

describe('removed docs', () => {
  it('are marked by a full run only, leave the listings and the status page, and come back with a result', async () => {
    const store = createLocalStateStore({ dir: await tempDir() });
    const listed = async () => (await store.listDocStates()).map((s) => s.doc);
    await run(api, { store, docs: docsOf('a', 'b', 'c'), options: { runId: 'run-1' } });
    expect(await listed()).toEqual(['clients/a.md', 'clients/b.md', 'clients/c.md']);

    // c.md deleted (or renamed to d.md): the next full run marks it removed.
    await run(api, { store, docs: docsOf('a', 'b', 'd'), options: { runId: 'run-2' } });
    expect(await listed()).toEqual(['clients/a.md', 'clients/b.md', 'clients/d.md']);
    expect((await store.getDocState('clients/c.md'))?.removed).toMatchObject({ runId: 'run-2' });
    const page = await buildStatusView(store, { now: new Date() });
    const rows = page.domains.flatMap((d) => d.docs.map((r) => r.doc));
    expect(rows).not.toContain('clients/c.md');
    expect(rows).toContain('clients/d.md');

    // A filtered run sees part of the docs and marks nothing, by doc glob, domain or tag.
    for (const [i, filters] of [
      { docs: ['clients/a.md'] },
      { domains: ['clients'] },
      { tags: ['x'] },
    ].entries())
      await run(api, { store, docs: docsOf('a'), options: { runId: `run-f${i}`, filters } });
    expect(await listed()).toEqual(['clients/a.md', 'clients/b.md', 'clients/d.md']);

    // c.md is back: its result clears the mark.
    await run(api, { store, docs: docsOf('a', 'b', 'c', 'd'), options: { runId: 'run-3' } });
    expect(await listed()).toEqual(['clients/a.md', 'clients/b.md', 'clients/c.md', 'clients/d.md']);
  });
});
