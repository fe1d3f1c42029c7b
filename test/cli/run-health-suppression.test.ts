// Flapping and token-rejected suppression through the real path: `verifier run` over a local server,
// runs sharing one local --state. A doc that opens and closes 3 times within 24 h raises one
// doc.flapping and then nothing; a revoked token raises one credential.rejected and no per-doc incident.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { executeRun, type RunCliOptions } from '../../cli/run.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();
const TOKEN = 'supp-staff-token-9f3a';

async function exec(opts: RunCliOptions) {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  await executeRun(opts, { stdout: out, stderr: out, isTTY: false });
  return Buffer.concat(chunks).toString('utf8');
}

async function workspace(docs: number) {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs', 'clients'), { recursive: true });
  for (let i = 0; i < docs; i++)
    await writeFile(
      join(dir, 'docs', 'clients', `d${i}.md`),
      doc({
        front: `endpoint: "GET /d${i}"\ndomain: clients\nstatus: verified`,
        test: `  - id: s\n    method: GET\n    path: "/d${i}"`,
      }),
    );
  const tokens = join(dir, 'tokens.json');
  await writeFile(tokens, JSON.stringify({ tokens: { staff: TOKEN }, params: { business_id: 'b-1' } }));
  const state = join(dir, 'state');
  return {
    state,
    flags: { docs: join(dir, 'docs'), tokens, state, baseUrl: `${api.url}/apigw`, rps: '0', failAfter: '1' },
  };
}

const alertsOf = (stdout: string) => stdout.match(/^ALERT [\w.]+/gm) ?? [];

describe('health suppression through verifier run and the local store', () => {
  it('a doc that opens and closes 3 times within 24 h raises one doc.flapping, then nothing', async () => {
    const { flags, state } = await workspace(1);
    const seen: string[] = [];
    for (let cycle = 0; cycle < 5; cycle++) {
      api.handler = () => ({ status: 500 });
      seen.push(...alertsOf(await exec(flags)));
      api.handler = () => undefined;
      seen.push(...alertsOf(await exec(flags)));
    }
    const flapAt = seen.indexOf('ALERT doc.flapping');
    expect(seen.filter((a) => a === 'ALERT doc.flapping')).toHaveLength(1);
    // Two cycles told in full; the third close raises doc.flapping instead of doc.recovered; then nothing.
    expect(seen.slice(0, flapAt)).toEqual([
      'ALERT doc.failing',
      'ALERT doc.recovered',
      'ALERT doc.failing',
      'ALERT doc.recovered',
      'ALERT doc.failing',
    ]);
    expect(seen.slice(flapAt + 1)).toEqual([]);
    const [incident] = await createLocalStateStore({ dir: state }).listHealth('incident');
    expect(incident?.data).toMatchObject({ doc: 'clients/d0.md', flapping: true });
  });

  it('a revoked token: one credential.rejected, no per-doc incident, and no token anywhere', async () => {
    const { flags, state } = await workspace(4);
    api.handler = () => ({ status: 401, body: { error: 'invalid token' } });
    const first = await exec(flags);
    const second = await exec(flags);
    expect(alertsOf(first)).toEqual(['ALERT credential.rejected']);
    expect(alertsOf(second)).toEqual([]);
    const store = createLocalStateStore({ dir: state });
    expect((await store.listHealth('condition')).map((r) => r.key)).toEqual(['credential.rejected#staff']);
    const incidents = (await store.listHealth('incident')).filter(
      (r) => (r.data as { state?: string }).state === 'open',
    );
    expect(incidents).toEqual([]);
    expect(first + second).not.toContain(TOKEN);
  });
});
