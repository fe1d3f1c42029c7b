// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person sees, which is what these tests assert
// Canary, promises included (issue 13): a run with the auth matrix (every token type's real value is a
// canary string, and the API lets the refused ones in: auth.accepted findings) and response contracts
// (the API echoes the token in the body, as a value and as a key, and the schema says integers: contract
// findings whose pointers and messages sit next to the token). Neither the HTML run report nor the
// status page holds the token in any form the redactor knows (lambda/engine/run/secrets.ts), neither in
// the static HTML nor after the page's JS ran in Chromium with every detail opened and every strip
// hovered. The echo without promises is test/report-html/page-canary.test.ts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { writeStatusPage } from '../../cli/status.js';
import { secretForms } from '../../lambda/engine/run/secrets.js';
import { type ApiServer, cleanTempDirs, doc, startApi, tempDir } from '../support/run-harness.js';
import { hasChromium, launch, openFile, screenshot } from './browser.js';

// The staff token (the doc's own calls, whose bodies are checked against the schema) has no 8-character
// fragment the redactor would catch alone, and a `/` and a `~`, which a JSON pointer escapes.
const CANARIES = {
  staff: 'CANARY-st/Wm7 Rx3~Kd',
  app: 'CANARY-app-q8Zt4pL2',
  directory: 'CANARY-dir-Hy5Nc9Vb',
  admin: 'CANARY-admin&Jf4<Pq>',
};
const SPECS = join(import.meta.dirname, '../fixtures/openapi-canary');

const AUTH_TABLE = `
## Authentication

| Token Type | Works | Notes |
|------------|-------|-------|
| Staff | Yes | |
| App | No | Returns 401 |
| Directory | No | Returns 403 |
| Admin | No | Returns 401 |
`;

/** Every form of every canary the redactor replaces, plus the raw JSON-pointer and HTML forms. */
const FORMS = [
  ...new Set(
    secretForms(Object.values(CANARIES)).flatMap((f) => [
      f,
      f.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      f.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;'),
      f.replace(/~/g, '~0').replace(/\//g, '~1'),
    ]),
  ),
];

/** The forms found in `text` (none, for a page that leaks nothing). */
const leaks = (text: string) => [
  ...FORMS.filter((f) => text.includes(f)),
  ...(text.includes('CANARY') ? ['CANARY'] : []),
];

let api: ApiServer;
let dir: string;
let report: string;
let status: string;
let browser: Browser;

beforeAll(async () => {
  api = await startApi();
  // Every token type is let in, and the body echoes the caller's token as a value and as a key.
  api.handler = (r) => {
    const token = (r.headers.authorization ?? '').replace(/^Bearer /, '');
    return { body: { status: 'OK', data: { id: token, [token]: token, who: `caller ${token}` } } };
  };
  dir = await tempDir();
  const docsDir = join(dir, 'docs');
  const docs: Record<string, string> = {
    'clients/echo.md': doc({
      front: 'endpoint: "GET /echo/{id}"\ndomain: clients\nstatus: verified\nswagger: "swagger/echo.yaml"',
      test: '  - id: who\n    method: GET\n    path: "/echo/1"',
      extra: AUTH_TABLE,
    }),
  };
  for (const [id, text] of Object.entries(docs)) {
    await mkdir(join(docsDir, id, '..'), { recursive: true });
    await writeFile(join(docsDir, id), text);
  }
  const tokens = join(dir, 'tokens.json');
  await writeFile(tokens, JSON.stringify({ tokens: CANARIES, params: {} }));
  const out = new PassThrough();
  let console = '';
  out.on('data', (c: Buffer) => {
    console += c.toString();
  });
  report = join(dir, 'run.html');
  const state = join(dir, 'state');
  const code = await executeRun(
    {
      docs: docsDir,
      tokens,
      baseUrl: `${api.url}/apigw`,
      rps: '0',
      state,
      authMatrix: 'get',
      openapi: SPECS,
      report: [`html=${report}`],
    },
    { stdout: out, stderr: out, isTTY: false },
  );
  expect({ code, console }).toMatchObject({ code: 0 });
  // The tokens did go out, and came back in the bodies.
  for (const t of [CANARIES.staff, CANARIES.app, CANARIES.admin])
    expect(api.received.some((r) => r.headers.authorization?.includes(t))).toBe(true);
  status = join(dir, 'status.html');
  await writeStatusPage({ state, file: status, docs: docsDir });
  if (hasChromium) browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await cleanTempDirs();
});

describe('a page with auth-matrix and contract findings', () => {
  it('has the findings: two tokens accepted, the body drifted from its schema', async () => {
    for (const file of [report, status]) {
      const html = await readFile(file, 'utf8');
      expect(html).toContain('data-drifted="true"');
      for (const type of ['app', 'admin'])
        expect(html).toContain(`data-token="${type}" data-finding="auth.accepted"`);
      expect(html).toMatch(/<li>\/data\/id: expected integer, got string<\/li>/);
      expect(html).toContain('[REDACTED]');
    }
    const page = await readFile(status, 'utf8');
    // Each accepted token type: once in the health box, once in the doc's detail.
    expect(page.match(/class="health security"/g)?.length).toBe(4);
  });

  it('holds no token in any form in the static HTML', async () => {
    for (const file of [report, status])
      expect({ file, leaks: leaks(await readFile(file, 'utf8')) }).toEqual({ file, leaks: [] });
  });
});

describe.skipIf(!hasChromium)('the same pages after their JS ran in Chromium', () => {
  it('hold no token in the DOM or the text, with every detail opened and the strips hovered', async () => {
    for (const file of [report, status]) {
      const { page: p, errors, foreign } = await openFile(browser, file);
      // Open every detail as a person would: a click on each closed row.
      for (const row of await p.locator('details.doc:not([open]) > summary').all()) await row.click();
      expect(await p.locator('details.doc:not([open])').count()).toBe(0);
      for (const cell of await p.locator('.strip i').all()) await cell.hover();
      await p.selectOption('#fo', 'security').catch(() => undefined);
      await p.selectOption('#fo', '').catch(() => undefined);
      const dom = await p.content();
      const text = await p.locator('body').innerText();
      const titles = await p
        .locator('[title]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? '').join('\n'));
      expect(text).toContain('auth.accepted');
      expect(text).toContain('/data/id: expected integer, got string');
      expect({ file, dom: leaks(dom), text: leaks(text), titles: leaks(titles) }).toEqual({
        file,
        dom: [],
        text: [],
        titles: [],
      });
      await screenshot(p, file === status ? 'canary-status-page.png' : 'canary-run-report.png');
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    }
  });
});
