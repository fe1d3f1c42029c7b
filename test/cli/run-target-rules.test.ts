// Target-condition rules are data, like the business rules: the shipped defaults, and a config file's
// `targetRules` where a rule named like a default replaces it (others are added), validated with the
// same schema as the stack prop, errors naming the field.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

/** Two docs, one request each with the staff token: fewer than the shipped rule's 3 matches. */
async function run(targetRules?: unknown) {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs', 'clients'), { recursive: true });
  for (const name of ['a', 'b'])
    await writeFile(
      join(dir, 'docs', 'clients', `${name}.md`),
      doc({
        test: `  - id: get_${name}\n    method: GET\n    path: "/x/${name}"\n    expect: { status: 200 }`,
      }),
    );
  await writeFile(
    join(dir, 'tokens.json'),
    JSON.stringify({ tokens: { staff: 'tr-staff-tok' }, params: {} }),
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
      ...(targetRules !== undefined ? { targetRules } : {}),
    }),
  );
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const code = await executeRun({ config }, { stdout: out, stderr: out, isTTY: false });
  const store = createLocalStateStore({ dir: join(dir, 'state') });
  const conditions = (await store.listHealth('condition')).map((r) => r.key);
  return { code, output: chunks.join(''), conditions };
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
