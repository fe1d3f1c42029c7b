// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person sees, which is what these tests assert
// The HTML run report (`--report html=FILE`) from a real run against the sandbox, opened in Chromium:
// what a person sees, next to the JSON and JUnit reports of the same run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, openFile, screenshot } from './browser.js';
import { BROKEN_DOC, type SandboxRuns, sandboxRuns } from './sandbox-runs.js';

let runs: SandboxRuns;
let browser: Browser;
let html: string;
let json: { summary: Record<string, number> };
const reportFile = () => join(runs.dir, 'reports', 'run.html');

beforeAll(async () => {
  runs = await sandboxRuns();
  const r = await runs.run({
    report: [
      `html=${reportFile()}`,
      `json=${join(runs.dir, 'reports', 'run.json')}`,
      `junit=${join(runs.dir, 'reports', 'run.xml')}`,
    ],
  });
  expect(r.code).toBe(1);
  html = await readFile(reportFile(), 'utf8');
  json = JSON.parse(await readFile(join(runs.dir, 'reports', 'run.json'), 'utf8'));
  await readFile(join(runs.dir, 'reports', 'run.xml'), 'utf8');
  if (hasChromium) browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await runs?.close();
});

describe('the HTML run report', () => {
  it('is one self-contained file whose summary is the run summary', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|@import|url\(/i);
    const attr = /data-summary="([^"]*)"/.exec(html)?.[1] ?? '';
    const summary = JSON.parse(attr.replace(/&quot;|&#34;/g, '"'));
    expect(summary).toEqual(json.summary);
    expect(summary.fail).toBe(1);
  });

  it.skipIf(!hasChromium)(
    'shows the failing doc failing, with its step, URL, expected vs actual and body',
    async () => {
      const { page, errors, foreign } = await openFile(browser, reportFile());
      const row = page.locator(`.doc[data-doc="${BROKEN_DOC}"]`);
      await expect(row.getAttribute('data-outcome')).resolves.toBe('fail');
      // Problems are open in the run report: the detail is visible without a click.
      const detail = row.locator('.detail');
      expect(await detail.isVisible()).toBe(true);
      expect(await detail.locator('dd.step').innerText()).toMatch(
        /"list_archive" \(test, line \d+\) GET http:\/\/127\.0\.0\.1:\d+\/\S*\/platform\/v1\/clients\/archive/,
      );
      expect(await detail.locator('dd.expected').innerText()).toBe('200');
      expect(await detail.locator('dd.actual').innerText()).toBe('404');
      expect(await detail.locator('pre.known').innerText()).toContain('archive endpoint was removed');
      // The body is shown once: under the failing step's detail, not again under its row in the steps table.
      expect(await detail.locator('pre.body').count()).toBe(1);
      expect(await detail.locator('pre.body').innerText()).not.toBe('');
      // It comes first in its domain (problems first), and a passing doc's steps are there too.
      expect(await page.locator('section[data-domain="clients"] .doc').first().getAttribute('data-doc')).toBe(
        BROKEN_DOC,
      );
      const passing = page.locator('.doc[data-outcome="pass"]').first();
      expect(await passing.locator('.detail').isVisible()).toBe(false);
      await passing.locator('summary').click();
      expect(await passing.locator('table.steps tbody tr').count()).toBeGreaterThan(0);
      // Per-domain table: one row per domain, with the failure counted.
      expect(await page.locator('table.domains tr[data-domain="clients"] td').nth(3).innerText()).toBe('1');
      await screenshot(page, 'run-report.png');
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    },
  );

  it.skipIf(!hasChromium)('filters narrow the rows', async () => {
    const { page, errors } = await openFile(browser, reportFile());
    const visible = () => page.locator('.doc:visible').count();
    const all = await visible();
    expect(all).toBe(json.summary.total);
    await page.selectOption('#fo', 'fail');
    expect(await visible()).toBe(1);
    await page.selectOption('#fo', '');
    await page.fill('#q', 'messages');
    const n = await visible();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(all);
    for (const id of await page
      .locator('.doc:visible')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-doc')))) {
      expect(id).toContain('messages');
    }
    expect(await page.locator('#count').innerText()).toBe(`${n} of ${all} docs`);
    expect(errors).toEqual([]);
  });
});
