// Canary: token values that the API echoes back in every answer (bodies, errors, extracted ids sent in
// later URLs and headers) must appear in no form the redactor knows in the HTML run report or in the
// status page rendered from the same state. With auth-matrix and contract findings, and in Chromium
// after the page's JS ran: test/browser/page-canary.test.ts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { writeStatusPage } from '../../cli/status.js';
import { type ApiServer, cleanTempDirs, doc, startApi, tempDir } from '../support/run-harness.js';

const CANARIES = {
  staff: 'CANARY-staff-q8Zt4pL2',
  directory: 'CANARY-dir/Wm7 Rx3&Kd',
  admin: 'CANARY-admin-Hy5Nc9Vb',
};

let api: ApiServer;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
  await cleanTempDirs();
});

const forms = (t: string) => [
  t,
  encodeURIComponent(t),
  encodeURI(t),
  t.replace(/&/g, '&amp;'),
  t.replace(/&/g, '&#38;'),
  JSON.stringify(t).slice(1, -1),
];

it('never shows a token in the HTML report or the status page', async () => {
  api.handler = (r) => {
    const auth = r.headers.authorization ?? '';
    if (r.path.endsWith('/fails'))
      return { status: 500, body: { status: 'Error', error: `bad token ${auth}`, url: r.url } };
    return { body: { status: 'OK', data: { echoed: auth, id: auth } } };
  };
  const dir = await tempDir();
  const docsDir = join(dir, 'docs');
  const files: Record<string, string> = {
    'clients/echo.md': doc({
      pre: '  - id: who\n    method: GET\n    path: "/me"\n    extract: { me: "$.data.id" }',
      test: '  - id: use\n    method: GET\n    path: "/fails"\n    params: { who: "{{me}}" }\n    headers: { X-Me: "{{me}}" }\n    expect: { status: [200] }',
    }),
    'clients/dir.md': doc({
      test: '  - id: d\n    method: GET\n    path: "/fails"\n    token: directory\n    x_on_behalf_of: true',
    }),
    'clients/admin.md': doc({ test: '  - id: a\n    method: GET\n    path: "/admin/ok"\n    token: admin' }),
  };
  for (const [id, text] of Object.entries(files)) {
    await mkdir(join(docsDir, id, '..'), { recursive: true });
    await writeFile(join(docsDir, id), text);
  }
  const tokens = join(dir, 'tokens.json');
  await writeFile(tokens, JSON.stringify({ tokens: CANARIES, params: { business_id: 'biz-canary' } }));
  const out = new PassThrough();
  out.resume();
  const report = join(dir, 'run.html');
  const state = join(dir, 'state');
  const code = await executeRun(
    { docs: docsDir, tokens, baseUrl: `${api.url}/apigw`, rps: '0', state, report: [`html=${report}`] },
    { stdout: out, stderr: out, isTTY: false },
  );
  expect(code).toBe(1);
  expect(api.received.some((r) => r.headers.authorization?.includes(CANARIES.staff))).toBe(true);
  const statusFile = join(dir, 'status.html');
  await writeStatusPage({ state, file: statusFile, docs: docsDir });
  for (const file of [report, statusFile]) {
    const html = await readFile(file, 'utf8');
    expect(html).toContain('[REDACTED]');
    expect(html).toContain('data-outcome="fail"');
    for (const token of Object.values(CANARIES))
      for (const form of forms(token))
        expect({ file, form, found: html.includes(form) }).toMatchObject({ found: false });
    expect({ file, found: html.includes('CANARY') }).toEqual({ file, found: false });
  }
});
