// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person sees, which is what these tests assert
// Doc promises on both pages: a real run (recording server on 127.0.0.1:0, auth matrix and response
// contracts on) where the calls pass but the response drifted from its OpenAPI schema and a token the
// doc says is refused was let in. The run report and the status page show it, in Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStatusPage } from '../../cli/status.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { loadSpecs } from '../../lambda/adapters/openapi/load-specs.js';
import { createHtmlReportWriter } from '../../lambda/adapters/report/html-report.js';
import { indexOperations } from '../../lambda/engine/promises/operations.js';
import { type ApiServer, doc, run, startApi } from '../support/run-harness.js';
import { hasChromium, launch, openFile, screenshot } from './browser.js';

const TOKENS = { staff: 'staff-secret-111', app: 'app-secret-222', directory: 'dir-secret-333' };
const DRIFTED = 'clients/get.md';
const CLEAN = 'clients/a_list.md'; // sorts before DRIFTED by name: problems-first must put it after
const step = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
const DOCS = {
  [DRIFTED]: doc({
    front: 'endpoint: "GET /platform/v1/clients/{client_id}"\ndomain: clients\nstatus: verified',
    pre: step([
      'id: list',
      'method: GET',
      'path: "/platform/v1/clients"',
      'extract: { client_id: "$.data.id" }',
    ]),
    test: step(['id: get_client', 'method: GET', 'path: "/platform/v1/clients/{{client_id}}"']),
    extra: `
## Authentication

| Token Type | Works | Notes |
|------------|-------|-------|
| Staff | ✅ | |
| App | No | Returns 400 "Invalid app authentication" |
| Directory | Yes | Requires X-On-Behalf-Of |
`,
  }),
  [CLEAN]: doc({
    front: 'endpoint: "GET /platform/v1/clients"\ndomain: clients\nstatus: verified',
    test: step(['id: list', 'method: GET', 'path: "/platform/v1/clients"']),
  }),
};

let api: ApiServer;
let dir: string;
let browser: Browser;
const reportFile = () => join(dir, 'run.html');
const statusFile = () => join(dir, 'status.html');

beforeAll(async () => {
  api = await startApi();
  // The response misses the schema's required first_name; the app token is wrongly let in.
  api.handler = (r) =>
    r.path.endsWith('/clients')
      ? { body: { data: { id: 'c-9' } } }
      : { body: { status: 'OK', data: { id: 9 } } };
  dir = await mkdtemp(join(tmpdir(), 'promises-page-'));
  const root = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
  const index = indexOperations(
    (await loadSpecs(root, [{ prefix: 'https://hub.example.test/', dir: root }])).specs,
  );
  const report = createHtmlReportWriter(reportFile());
  const out = await run(api, {
    docs: DOCS,
    tokens: TOKENS,
    params: { business_id: 'biz-1' },
    store: createLocalStateStore({ dir: join(dir, 'state') }),
    promises: { authMatrix: 'get', contract: { index, strict: false } },
  });
  for (const e of out.events) report.onEvent(e);
  await report.close();
  expect(out.docs[DRIFTED]?.outcome).toBe('pass');
  expect(out.docs[DRIFTED]?.contract?.[0]?.valid).toBe(false);
  await writeStatusPage({ state: join(dir, 'state'), file: statusFile() });
  if (hasChromium) browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a person sees in the drifted doc's row and detail, on either page. */
async function expectDriftShown(p: Page) {
  const row = p.locator(`.doc[data-doc="${DRIFTED}"]`);
  expect(await row.getAttribute('data-outcome')).toBe('pass');
  expect(await row.getAttribute('data-drifted')).toBe('true');
  expect(await row.locator('.sum .b').innerText()).toBe('DRIFTED');
  expect(await row.locator('.sum .tg.sec').innerText()).toBe('auth accepted');
  expect(await p.locator(`.doc[data-doc="${CLEAN}"]`).getAttribute('data-drifted')).toBeNull();
  expect(await p.locator(`.doc[data-doc="${CLEAN}"] .sum .b`).innerText()).toBe('PASS');
  if ((await row.getAttribute('open')) === null) await row.locator('summary').click();
  await row.locator('.detail').scrollIntoViewIfNeeded();
  const contract = row.locator('table.contract tbody tr');
  expect(await contract.count()).toBe(1);
  expect(await contract.first().innerText()).toMatch(
    /^get_client\s+GET \/clients\/\{client_id\}\s+swagger\/clients-oas30\.yaml\s+\/data: .*first_name/,
  );
  const sec = row.locator('table.auth tr.sec');
  expect(await sec.count()).toBe(1);
  expect(await sec.innerText()).toMatch(
    /^app\s+refused \(400\)\s+get_client\s+200\s+auth\.accepted security:/,
  );
  expect(await row.locator('table.auth tr[data-token="directory"]').innerText()).toMatch(/accepted.*\bok$/);
  // The highlighted row is visibly red, the ok row is not.
  const bg = (sel: string) =>
    row
      .locator(`${sel} td`)
      .first()
      .evaluate(
        (e) =>
          (
            globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }
          ).getComputedStyle(e).backgroundColor,
      );
  expect(await bg('table.auth tr.sec')).toBe('rgb(253, 232, 232)');
  expect(await bg('table.auth tr[data-token="directory"]')).not.toBe('rgb(253, 232, 232)');
}

describe.skipIf(!hasChromium)('doc promises in Chromium', () => {
  it('the run report shows the drifted doc open, with its contract and auth findings', async () => {
    const { page: p, errors, foreign } = await openFile(browser, reportFile());
    expect(await p.locator(`.doc[data-doc="${DRIFTED}"]`).getAttribute('open')).not.toBeNull();
    await expectDriftShown(p);
    await screenshot(p, 'run-report-drift.png');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('the status page shows it drifted, lists it before the clean pass and filters on "drifted"', async () => {
    const { page: p, errors, foreign } = await openFile(browser, statusFile());
    expect(await p.locator('section[data-domain="clients"] .doc').first().getAttribute('data-doc')).toBe(
      DRIFTED,
    );
    await expectDriftShown(p);
    await p.selectOption('#fo', 'drifted');
    expect(
      await p.locator('.doc:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc'))),
    ).toEqual([DRIFTED]);
    expect(await p.locator('#count').innerText()).toBe('1 of 2 docs');
    await screenshot(p, 'status-page-drift.png');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
