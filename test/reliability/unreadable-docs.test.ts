// Docs that cannot be read: deleted between listing and reading (someone pulled or renamed while a run
// was going), a dangling symlink, a folder whose name ends in `.md`. The run keeps going: every other
// doc runs, and the unreadable one gets exactly one outcome saying why.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { DocSource, RunEvent } from '../../lambda/engine/ports.js';
import { systemClock } from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { runCli, stripAnsi } from './cli-child.js';
import { TEST_CREDENTIALS, tempDir, useFaultTarget } from './harness.js';

const t = useFaultTarget();

const GOOD = docWithStep(okStep('call', { path: '/ok' }));

describe('unreadable docs', () => {
  it('runs the other docs when one is gone by the time it is read, and gives it one non-pass outcome', async () => {
    const ids = ['a/one.md', 'b/gone.md', 'c/two.md'];
    const source: DocSource = {
      list: async () => ids,
      read: async (id) => {
        if (id === 'b/gone.md')
          throw Object.assign(new Error(`ENOENT: no such file or directory, open '${id}'`), {
            code: 'ENOENT',
          });
        return GOOD;
      },
    };
    const events: RunEvent[] = [];
    const run = runDocs(
      { baseUrl: t.fs.url, credentials: TEST_CREDENTIALS },
      { runId: 'unreadable-1', allowDelete: false, concurrency: 2 },
      {
        docs: source,
        http: t.http,
        store: createLocalStateStore({ dir: await tempDir() }),
        clock: systemClock,
        onEvent: (e) => events.push(e),
      },
    );
    await expect(run).resolves.toMatchObject({ summary: { total: 3, pass: 2 } });
    const results = events.flatMap((e) => (e.type === 'doc-finished' ? [e.result] : []));
    expect(results.map((r) => r.doc).sort()).toEqual(ids);
    const gone = results.find((r) => r.doc === 'b/gone.md');
    expect(gone?.outcome).not.toBe('pass');
    expect(gone?.reason).toMatch(/ENOENT|not found|could not be read/i);
  });

  it('finishes a CLI run whose docs folder holds a dangling symlink and a folder named *.md', async () => {
    const root = join(await tempDir(), 'docs');
    await mkdir(join(root, 'a'), { recursive: true });
    await mkdir(join(root, 'folder.md'), { recursive: true });
    await writeFile(join(root, 'a', 'good.md'), GOOD);
    await writeFile(join(root, 'folder.md', 'inner.md'), GOOD);
    await symlink(join(root, 'nowhere', 'missing.md'), join(root, 'a', 'dangling.md'));
    const tokens = join(await tempDir(), 'tokens.json');
    await writeFile(tokens, JSON.stringify(TEST_CREDENTIALS));
    const state = await tempDir();
    const out = await runCli([
      'run',
      ...['--docs', root, '--base-url', t.fs.url, '--tokens', tokens, '--state', state, '--rps', '0'],
    ]);
    const stdout = stripAnsi(out.stdout);
    expect(out.stderr).not.toMatch(/the run stopped/);
    expect(stdout).toMatch(/^PASS\s+a\/good\.md /m);
    expect(stdout).toMatch(/^PASS\s+folder\.md\/inner\.md /m);
    expect(stdout).toMatch(/^(ERROR|INVALID)\s+a\/dangling\.md /m);
    const states = await createLocalStateStore({ dir: state }).listDocStates();
    expect(
      states
        .filter((s) => s.outcome === 'pass')
        .map((s) => s.doc)
        .sort(),
    ).toEqual(['a/good.md', 'folder.md/inner.md']);
  });
});
