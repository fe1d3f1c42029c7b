// Business-condition rules are data: a config file's `rules` add to the documented defaults,
// are validated with the same schema, and classify before expectations are matched.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWorkspace, execRun, writeRunConfig } from '../support/cli-run.js';
import { doc, useApi } from '../support/run-harness.js';

const api = useApi();

const suspended = {
  name: 'account-suspended',
  condition: 'spam_flagged',
  endpoints: ['POST /v3/campaigns/{uid}/send'],
  status: 403,
  body: { equals: { code: 'account_suspended' }, absent: ['errors'] },
};

async function setup(rules: unknown[]) {
  const { dir, base } = await cliWorkspace(
    api,
    {
      'marketing/send.md': doc({
        front: 'endpoint: "POST /v3/campaigns/{uid}/send"\ndomain: marketing\nstatus: verified',
        test: '  - id: send\n    method: POST\n    path: "/v3/campaigns/c-1/send"\n    body: { now: true }\n    expect: { status: [202, 403] }',
      }),
    },
    { staff: 'rules-staff-tok', businessId: 'biz-9' },
  );
  const config = await writeRunConfig(dir, base, { rules });
  const report = join(dir, 'report.json');
  const { code, stdout, stderr } = await execRun({ config, report: [`json=${report}`] });
  return { code, output: stdout + stderr, report, dir };
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
