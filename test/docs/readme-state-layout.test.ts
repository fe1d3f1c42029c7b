// The README describes the local state folder a run writes; that description must name the files a
// run really writes (run ids carry upper-case letters, so their folders carry a hash: paths.ts).
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cliWorkspace, execRun } from '../support/cli-run.js';
import { doc, useApi } from '../support/run-harness.js';
import { REPO_ROOT } from '../support/shared.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const api = useApi();

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

it("the README's runs/ layout is the one a run writes", async () => {
  const { base } = await cliWorkspace(api, {
    'clients/a.md': doc({
      front: 'endpoint: "GET /a"\ndomain: clients\nstatus: verified',
      test: '  - id: s\n    method: GET\n    path: "/a"',
    }),
  });
  const r = await execRun(base);
  expect(r.code).toBe(0);
  const runId = /run (\S+) finished/.exec(r.stdout)?.[1] ?? '';
  expect(runId).not.toBe('');

  const layout = /The local state folder \(`--state`[\s\S]*?holds plain files:\n([\s\S]*?)\n\n/.exec(
    README,
  )?.[1];
  const described = [...(layout ?? '').matchAll(/`(runs\/[^`]+)`/g)].map((m) => m[1] ?? '');
  expect(described.length).toBeGreaterThanOrEqual(2);
  const written = (await readdir(join(base.state, 'runs'), { recursive: true })).map((f) => `runs/${f}`);
  for (const pattern of described) {
    const re = new RegExp(
      `^${literal(pattern).replace('<runId>', literal(runId)).replace('<hash>', '[0-9a-f]{16}')}$`,
    );
    expect(
      written.filter((f) => re.test(f)),
      `${pattern} among ${written.join(', ')}`,
    ).toHaveLength(1);
  }
});
