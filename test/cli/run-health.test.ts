// `verifier run` and endpoint health: --fail-after / --recover-after (flags and config file) decide
// when the printed doc.failing / doc.recovered alerts appear over runs sharing one --state.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { executeRun, type RunCliOptions } from '../../cli/run.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

async function exec(opts: RunCliOptions) {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const err = new PassThrough();
  const errChunks: Buffer[] = [];
  err.on('data', (c: Buffer) => errChunks.push(c));
  const code = await executeRun(opts, { stdout: out, stderr: err, isTTY: false });
  return {
    code,
    stdout: Buffer.concat(chunks).toString('utf8'),
    stderr: Buffer.concat(errChunks).toString('utf8'),
  };
}

async function workspace() {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs', 'clients'), { recursive: true });
  await writeFile(
    join(dir, 'docs', 'clients', 'a.md'),
    doc({
      front: 'endpoint: "GET /a"\ndomain: clients\nstatus: verified',
      test: '  - id: s\n    method: GET\n    path: "/a"',
    }),
  );
  const tokens = join(dir, 'tokens.json');
  await writeFile(
    tokens,
    JSON.stringify({ tokens: { staff: 'cli-staff-token' }, params: { business_id: 'b-1' } }),
  );
  return {
    dir,
    base: {
      docs: join(dir, 'docs'),
      tokens,
      state: join(dir, 'state'),
      baseUrl: `${api.url}/apigw`,
      rps: '0',
    },
  };
}

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
