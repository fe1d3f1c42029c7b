// Canary: distinctive token values, echoed back by the API in every answer (success, failure, spam),
// must appear nowhere in stdout, stderr, reports, state files or alert payloads.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { type ApiServer, cleanTempDirs, doc, startApi, tempDir } from '../support/run-harness.js';

const CANARIES = {
  staff: 'CANARY-staff-q8Zt4pL2',
  directory: 'CANARY-dir-Wm7Rx3Kd',
  admin: 'CANARY-admin-Hy5Nc9Vb',
};

let api: ApiServer;
let hook: ApiServer;
beforeAll(async () => {
  api = await startApi();
  hook = await startApi();
});
afterAll(async () => {
  await Promise.all([api.close(), hook.close()]);
  await cleanTempDirs();
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

it('never writes a token anywhere, even when the API echoes it back', async () => {
  api.handler = (r) => {
    const auth = r.headers.authorization ?? '';
    if (r.path.endsWith('/messages')) return { status: 422, body: { status: 'Error', data: {} } };
    if (r.path.endsWith('/fails'))
      return { status: 401, body: { status: 'Error', error: `bad token ${auth}`, url: r.url } };
    return { body: { status: 'OK', data: { echoed: auth, id: auth } } };
  };
  const dir = await tempDir();
  const docsDir = join(dir, 'docs');
  const files: Record<string, string> = {
    'clients/echo.md': doc({
      pre: '  - id: who\n    method: GET\n    path: "/me"\n    extract: { me: "$.data.id" }',
      test: '  - id: use\n    method: GET\n    path: "/fails"\n    params: { who: "{{me}}" }\n    headers: { X-Me: "{{me}}" }\n    expect: { status: [200] }',
    }),
    'clients/admin.md': doc({
      test: '  - id: a\n    method: GET\n    path: "/admin/fails"\n    token: admin',
    }),
    'clients/dir.md': doc({
      test: '  - id: d\n    method: GET\n    path: "/dir"\n    token: directory\n    x_on_behalf_of: true\n    expect: { status: [204] }',
    }),
    'communication/m.md': doc({
      front: 'endpoint: "POST /platform/v1/messages"\ndomain: communication\nstatus: verified',
      test: '  - id: create_message\n    method: POST\n    path: "/platform/v1/messages"\n    body: { text: "hi" }\n    expect: { status: [201] }',
    }),
  };
  const { mkdir } = await import('node:fs/promises');
  for (const [id, text] of Object.entries(files)) {
    await mkdir(join(docsDir, id, '..'), { recursive: true });
    await writeFile(join(docsDir, id), text);
  }
  const tokens = join(dir, 'tokens.json');
  await writeFile(tokens, JSON.stringify({ tokens: CANARIES, params: { business_id: 'biz-canary' } }));
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  err.on('data', (c: Buffer) => chunks.push(c.toString()));
  const reports = join(dir, 'reports');
  const code = await executeRun(
    {
      docs: docsDir,
      tokens,
      baseUrl: `${api.url}/apigw`,
      rps: '0',
      state: join(dir, 'state'),
      report: [`json=${join(reports, 'r.json')}`, `junit=${join(reports, 'r.xml')}`],
      alertWebhook: `${hook.url}/hook`,
      // Every request and response printed too: headers, bodies and URLs that carry the tokens.
      verbose: true,
    },
    { stdout: out, stderr: err, isTTY: false },
  );
  expect(code).toBe(1);
  // --verbose really printed the exchanges (the echoed Authorization in the bodies among them).
  expect(chunks.join('')).toMatch(/> GET .*\/apigw\/me/);
  expect(chunks.join('')).toMatch(/< 401 \(\d+ ms\)/);
  expect(chunks.join('')).toContain('bad token Bearer [REDACTED]');
  // The tokens really went out, and really came back in the answers.
  expect(api.received.some((r) => r.headers.authorization === `Bearer ${CANARIES.staff}`)).toBe(true);
  expect(api.received.some((r) => r.headers.authorization === `Admin ${CANARIES.admin}`)).toBe(true);
  expect(hook.received).toHaveLength(1);

  const haystacks: [string, string][] = [['console', chunks.join('')]];
  for (const f of [...(await filesUnder(join(dir, 'state'))), ...(await filesUnder(reports))]) {
    haystacks.push([f, await readFile(f, 'utf8')]);
  }
  for (const r of hook.received) haystacks.push(['webhook', r.body]);
  expect(haystacks.length).toBeGreaterThan(3);
  expect(haystacks.map(([, text]) => text).join('\n')).toContain('[REDACTED]');
  for (const [where, text] of haystacks) {
    for (const token of Object.values(CANARIES)) {
      expect({ where, found: text.includes(token) || text.includes(encodeURIComponent(token)) }).toEqual({
        where,
        found: false,
      });
    }
    expect({ where, found: text.includes('CANARY') }).toEqual({ where, found: false });
  }
});
