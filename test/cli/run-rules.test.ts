// Business-condition rules are data: a config file's `rules` add to the documented defaults,
// are validated with the same schema, and classify before expectations are matched.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

const suspended = {
  name: 'account-suspended',
  condition: 'spam_flagged',
  endpoints: ['POST /v3/campaigns/{uid}/send'],
  status: 403,
  body: { equals: { code: 'account_suspended' }, absent: ['errors'] },
};

async function setup(rules: unknown[]) {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs', 'marketing'), { recursive: true });
  await writeFile(
    join(dir, 'docs', 'marketing', 'send.md'),
    doc({
      front: 'endpoint: "POST /v3/campaigns/{uid}/send"\ndomain: marketing\nstatus: verified',
      test: '  - id: send\n    method: POST\n    path: "/v3/campaigns/c-1/send"\n    body: { now: true }\n    expect: { status: [202, 403] }',
    }),
  );
  await writeFile(
    join(dir, 'tokens.json'),
    JSON.stringify({ tokens: { staff: 'rules-staff-tok' }, params: { business_id: 'biz-9' } }),
  );
  const config = join(dir, 'verifier.json');
  await writeFile(
    config,
    JSON.stringify({
      docs: 'docs',
      tokens: 'tokens.json',
      state: 'state',
      'base-url': `${api.url}/apigw`,
      rps: 0,
      rules,
    }),
  );
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  err.on('data', (c: Buffer) => chunks.push(c.toString()));
  const report = join(dir, 'report.json');
  const code = await executeRun(
    { config, report: [`json=${report}`] },
    { stdout: out, stderr: err, isTTY: false },
  );
  return { code, output: chunks.join(''), report, dir };
}

describe('rules from the config file', () => {
  it('classify a matching response as a business condition even when the status is expected', async () => {
    api.handler = () => ({ status: 403, body: { code: 'account_suspended', data: {} } });
    const { code, report } = await setup([suspended]);
    const json = JSON.parse(await readFile(report, 'utf8'));
    expect(json.docs[0]).toMatchObject({ outcome: 'blocked' });
    expect(json.docs[0].steps[0].condition).toMatchObject({ rule: 'account-suspended', confirmed: true });
    // Confirmed by a re-probe: the same request twice, then nothing more.
    expect(api.received.map((r) => r.path)).toEqual([
      '/apigw/v3/campaigns/c-1/send',
      '/apigw/v3/campaigns/c-1/send',
    ]);
    expect(json.businesses).toEqual([
      expect.objectContaining({ businessId: 'biz-9', condition: 'spam_flagged' }),
    ]);
    expect(code).toBe(1);
  });

  it('leave other shapes of the same status alone', async () => {
    api.handler = () => ({ status: 403, body: { code: 'account_suspended', errors: ['no'] } });
    const { report } = await setup([suspended]);
    const json = JSON.parse(await readFile(report, 'utf8'));
    expect(json.docs[0].outcome).toBe('pass');
    expect(json.docs[0].steps[0].condition).toBeUndefined();
  });

  it('without the rule, the same response is an ordinary expected status', async () => {
    api.handler = () => ({ status: 403, body: { code: 'account_suspended', data: {} } });
    const { report } = await setup([]);
    expect(JSON.parse(await readFile(report, 'utf8')).docs[0].outcome).toBe('pass');
  });

  it('reject a malformed rule as a usage error naming where it is', async () => {
    const { code, output } = await setup([{ ...suspended, status: 'forbidden' }]);
    expect(code).toBe(2);
    expect(output).toMatch(/--config: rules\[0\]\.status: /);
    expect(api.received).toHaveLength(0);
  });
});
