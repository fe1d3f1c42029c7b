// `verifier run` and endpoint health: --fail-after / --recover-after (flags and config file) decide
// when the printed doc.failing / doc.recovered alerts appear over runs sharing one --state.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWorkspace, execRun } from '../support/cli-run.js';
import { doc, useApi } from '../support/run-harness.js';

const api = useApi();

const exec = execRun;
const workspace = () =>
  cliWorkspace(api, {
    'clients/a.md': doc({
      front: 'endpoint: "GET /a"\ndomain: clients\nstatus: verified',
      test: '  - id: s\n    method: GET\n    path: "/a"',
    }),
  });

const alerts = (stdout: string) => stdout.match(/^ALERT \S+/gm) ?? [];

describe('verifier run: endpoint health flags', () => {
  it('--fail-after 1 alerts on the first failing run; --recover-after 2 waits for the second pass', async () => {
    const { base } = await workspace();
    const flags = { ...base, failAfter: '1', recoverAfter: '2' };
    api.handler = () => ({ status: 404 });
    const first = await exec(flags);
    expect(first.code).toBe(1);
    expect(alerts(first.stdout)).toEqual(['ALERT doc.failing:']);
    expect(first.stdout).not.toContain('cli-staff-token');
    api.handler = () => undefined;
    expect(alerts((await exec(flags)).stdout)).toEqual([]);
    expect(alerts((await exec(flags)).stdout)).toEqual(['ALERT doc.recovered:']);
  });

  it('defaults to 2 and 1, and reads failAfter from a config file', async () => {
    const { dir, base } = await workspace();
    api.handler = () => ({ status: 404 });
    expect(alerts((await exec(base)).stdout)).toEqual([]);
    expect(alerts((await exec(base)).stdout)).toEqual(['ALERT doc.failing:']);
    api.handler = () => undefined;
    expect(alerts((await exec(base)).stdout)).toEqual(['ALERT doc.recovered:']);

    const other = await workspace();
    const config = join(dir, 'c.json');
    await writeFile(config, JSON.stringify({ failAfter: 1 }));
    api.handler = () => ({ status: 404 });
    expect(alerts((await exec({ ...other.base, config })).stdout)).toEqual(['ALERT doc.failing:']);
  });

  it.each([
    ['--fail-after', { failAfter: '0' }],
    ['--recover-after', { recoverAfter: 'soon' }],
  ])('a bad %s is a usage error naming the flag', async (flag, override) => {
    const { base } = await workspace();
    const r = await exec({ ...base, ...override });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag}: expected a whole number`);
    expect(api.received).toHaveLength(0);
  });
});
