import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { cliWorkspace, execRun, writeRunConfig } from '../support/cli-run.js';
import { doc, useApi } from '../support/run-harness.js';

const api = useApi();

/** Two docs, one request each with the staff token: fewer than the shipped rule's 3 matches. */
async function run(targetRules?: unknown) {
  const docs = Object.fromEntries(
    ['a', 'b'].map((name) => [
      `clients/${name}.md`,
      doc({
        test: `  - id: get_${name}\n    method: GET\n    path: "/x/${name}"\n    expect: { status: 200 }`,
      }),
    ]),
  );
  const { dir, base } = await cliWorkspace(api, docs, { staff: 'tr-staff-tok', businessId: 'b-1' });
  const config = await writeRunConfig(dir, base, targetRules !== undefined ? { targetRules } : {});
  const { code, stdout, stderr } = await execRun({ config });
  const store = createLocalStateStore({ dir: base.state });
  const conditions = (await store.listHealth('condition')).map((r) => r.key);
  return { code, output: stdout + stderr, conditions };
}

const tokenRejected = {
  name: 'token-rejected',
  condition: 'credential.rejected',
  scope: 'token',
  match: { statuses: [401] },
  share: 1,
  minMatches: 2,
  remedy: 'Rotate the staff token in the vault.',
};

describe('target-condition rules from the config file', () => {
  it('the shipped token-rejected rule needs 3 rejected requests: 2 open nothing', async () => {
    api.handler = () => ({ status: 401, body: { error: 'unauthorized' } });
    const { conditions, output } = await run();
    expect(conditions).toEqual([]);
    expect(output).not.toContain('credential.rejected');
  });

  it('a rule with a shipped name replaces it: 2 rejected requests raise credential.rejected, with its remedy', async () => {
    api.handler = () => ({ status: 401, body: { error: 'unauthorized' } });
    const { conditions, output } = await run([tokenRejected]);
    expect(conditions).toEqual(['credential.rejected#staff']);
    expect(output).toContain('credential.rejected');
    expect(output).not.toContain('tr-staff-tok');
  });

  it('an invalid rule is a usage error naming the field', async () => {
    const { code, output } = await run([{ ...tokenRejected, share: 2 }]);
    expect(code).toBe(2);
    expect(output).toMatch(/--config: targetRules\[0\]\.share: .*<=1/);
    const unknown = await run([{ ...tokenRejected, match: { status: [401] } }]);
    expect(unknown.output).toMatch(/--config: targetRules\[0\]\.match: Unrecognized key: "status"/);
  });
});
