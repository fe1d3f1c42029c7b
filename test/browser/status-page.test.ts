// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person sees, which is what these tests assert
// The status page from a real local state (three runs against the sandbox, one doc failing in the last
// two), written by `verifier status --html` and opened in Chromium: what a person sees.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusCommand } from '../../cli/status.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { buildMute } from '../../lambda/engine/health/mutes.js';
import { formatTime } from '../../lambda/report-html/stats.js';
import { hasChromium, launch, openFile, screenshot } from './browser.js';
import { BROKEN, BROKEN_DOC, type SandboxRuns, sandboxRuns } from './sandbox-runs.js';

let runs: SandboxRuns;
let browser: Browser;
let page: string;
let text = '';
let muteUntil = '';

/** A strip's cells as a person sees them: each segment drawn as `--n` cells of its class. */
const cellsOf = (row: Locator) =>
  row
    .locator('.strip i')
    .evaluateAll((els) =>
      els.flatMap((e) =>
        Array(Number(/--n:(\d+)/.exec(e.getAttribute('style') ?? '')?.[1] ?? 1)).fill(e.className),
      ),
    );

beforeAll(async () => {
  runs = await sandboxRuns();
  // Run 1: the broken doc is not there yet; runs 2 and 3: it fails (404). Each run settles its docs'
  // health (failAfter 2: run 3 opens the incident).
  const store = createLocalStateStore({ dir: runs.state });
  await rm(join(runs.docs, BROKEN_DOC));
  expect((await runs.run()).code).toBe(0);
  await writeFile(join(runs.docs, BROKEN_DOC), BROKEN);
  expect((await runs.run()).code).toBe(1);
  expect((await store.listHealth('incident')).length).toBe(1);
  expect((await runs.run()).code).toBe(1);
  const mute = buildMute({
    id: 'm-deploy',
    scope: { kind: 'domain', domain: 'billing' },
    at: new Date(),
    forMs: 2 * 3_600_000,
    reason: 'billing deploy',
  });
  expect(await store.putHealth('mute', mute.id, mute, 0, mute.createdAt)).toBe(true);
  muteUntil = mute.until;
  page = join(runs.dir, 'status.html');
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
  expect(await statusCommand({ state: runs.state, html: page, docs: runs.docs }, io)).toBe(0);
  expect(out.join('')).toContain(`status page written to ${page}`);
  expect(await statusCommand({ state: runs.state }, io)).toBe(0);
  text = out.join('');
  if (hasChromium) browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await runs?.close();
});

describe('verifier status', () => {
  it('prints the last run, the health sections and the docs not passing', () => {
    expect(text).toMatch(/last run \S+ at \S+ \S+ \(cli, took [\d.]+ m?s\)/);
    expect(text).toMatch(/\n {2}13 pass, 1 fail, 0 error, 0 blocked, 0 invalid, 2 skip\n/);
    expect(text).toContain(`open incidents (1)\n  ${BROKEN_DOC} (GET /platform/v1/clients/archive)\n`);
    expect(text).toMatch(
      /active mutes \(1\)\n {2}domain billing\n {4}until \S+ \S+\n {4}reason: billing deploy\n/,
    );
    expect(text).toMatch(/business conditions \(0 of \d+ not ok\)/);
    expect(text).toContain(`FAIL    ${BROKEN_DOC}`);
  });

  it('writes a page whose header carries the last run summary', async () => {
    const html = await readFile(page, 'utf8');
    const attr = /data-summary="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(JSON.parse(attr.replace(/&quot;|&#34;/g, '"'))).toMatchObject({ total: 16, pass: 13, fail: 1 });
  });
});

describe.skipIf(!hasChromium)('the status page in Chromium', () => {
  it('shows the open incident, with its failing runs and step, and the mute with its end and reason', async () => {
    const { page: p, errors } = await openFile(browser, page);
    const incident = p.locator(`.health.incident[data-key="${BROKEN_DOC}"]`);
    expect(await p.locator('.health.incident').count()).toBe(1);
    expect(await incident.innerText()).toMatch(
      new RegExp(
        `^Open incident ${BROKEN_DOC} \\(GET /platform/v1/clients/archive\\)\\s*2 failing runs · since \\d{4}-\\d\\d-\\d\\d \\S+Z\\n`,
      ),
    );
    expect(await incident.locator('li').first().innerText()).toMatch(
      /^step "list_archive": GET http:\/\/127\.0\.0\.1:\d+\/\S+\/clients\/archive expected 200, got 404$/,
    );
    const mute = p.locator('.health.mute[data-key="m-deploy"]');
    expect(await mute.innerText()).toBe(
      `Muted domain billing until ${formatTime(muteUntil)}\nreason: billing deploy`,
    );
    // The incident links to the doc's row and opens its detail.
    await incident.locator('a').click();
    expect(await p.locator(`.doc[data-doc="${BROKEN_DOC}"]`).getAttribute('open')).not.toBeNull();
    await p.evaluate('window.scrollTo(0, 0)');
    await screenshot(p, 'status-page-incident.png');
    expect(errors).toEqual([]);
  });

  it('shows the failing doc failing, one history cell per run, and its detail on click', async () => {
    const { page: p, errors, foreign } = await openFile(browser, page);
    const row = p.locator(`.doc[data-doc="${BROKEN_DOC}"]`);
    expect(await row.getAttribute('data-outcome')).toBe('fail');
    expect(await row.locator('.b').first().innerText()).toBe('FAIL');
    // Three runs: not run, fail, fail. Every other doc: three cells too.
    expect(await cellsOf(row)).toEqual(['n', 'f', 'f']);
    // Hovering a cell shows its outcome, the run's time and the failing step.
    await row.locator('.strip i.f').last().hover();
    expect(await row.locator('.strip i.f').last().getAttribute('title')).toMatch(
      /^fail · \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\S+\) · step list_archive$/,
    );
    const counts = await p
      .locator('.doc .strip')
      .evaluateAll((els) =>
        els.map((e) =>
          [...e.children].reduce(
            (n, c) => n + Number(/--n:(\d+)/.exec(c.getAttribute('style') ?? '')?.[1] ?? 1),
            0,
          ),
        ),
      );
    expect(new Set(counts)).toEqual(new Set([3]));
    // Uptime of the failing doc over 24 h, 7 d and 30 d: 0% of the two runs it had (history for 24 h,
    // the store's day counters for 7 and 30 d); a doc that passed the three runs: 100% everywhere.
    const uptime = (r: typeof row) =>
      r.locator('.sum > .n').evaluateAll((els) => els.slice(0, 3).map((e) => e.textContent));
    expect(await uptime(row)).toEqual(['0%', '0%', '0%']);
    const passing = p.locator('.doc[data-outcome="pass"]').first();
    expect(await cellsOf(passing)).toEqual(['', '', '']);
    expect(await uptime(passing)).toEqual(['100%', '100%', '100%']);
    // A doc that passed every run shown has nothing to explain: a plain row, no <details> to open.
    expect(await passing.evaluate((e) => [e.tagName, e.querySelector('.detail')])).toEqual(['DIV', null]);
    expect(await row.evaluate((e) => e.tagName)).toBe('DETAILS');
    // The detail is closed until clicked, then shows the step, URL, expected vs actual and Known Issues.
    const detail = row.locator('.detail');
    expect(await detail.isVisible()).toBe(false);
    await row.locator('summary').click();
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.locator('dd.step').innerText()).toMatch(
      /"list_archive" .* GET http:\/\/127\.0\.0\.1:\d+\/\S*\/clients\/archive/,
    );
    expect(await detail.locator('dd.expected').innerText()).toBe('200');
    expect(await detail.locator('dd.actual').innerText()).toBe('404');
    expect(await detail.locator('pre.known').innerText()).toContain('archive endpoint was removed');
    expect(await detail.locator('ul.tl li').first().innerText()).toMatch(/: fail \(run /);
    // The deep link is kept in the address.
    expect(decodeURIComponent(await p.evaluate<string>('location.hash'))).toBe(`#doc=${BROKEN_DOC}`);
    // Problems first: the failing doc leads its domain; the chart has one bar per run.
    expect(await p.locator('section[data-domain="clients"] .doc').first().getAttribute('data-doc')).toBe(
      BROKEN_DOC,
    );
    expect(await p.locator('.chart svg g').count()).toBe(3);
    await screenshot(p, 'status-page.png');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('filters by text, domain, tag and outcome', async () => {
    const { page: p, errors } = await openFile(browser, page);
    const visible = () => p.locator('.doc:visible').count();
    expect(await visible()).toBe(16);
    await p.selectOption('#fo', 'problems');
    expect(await visible()).toBe(1);
    await p.selectOption('#fo', '');
    await p.selectOption('#fd', 'communication');
    expect(await visible()).toBe(4);
    expect(await p.locator('section.domain:visible').count()).toBe(1);
    await p.selectOption('#fd', '');
    await p.selectOption('#ft', 'archive');
    expect(
      await p.locator('.doc:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc'))),
    ).toEqual([BROKEN_DOC]);
    await p.selectOption('#ft', '');
    await p.fill('#q', 'staffs');
    expect(await visible()).toBe(1);
    await p.selectOption('#fs', 'name');
    expect(errors).toEqual([]);
  });

  it('reads without JavaScript: rows, outcomes and strips are in the HTML; filters are hidden', async () => {
    const { page: p, errors } = await openFile(browser, page, { javaScript: false });
    expect(await p.locator('.doc').count()).toBe(16);
    expect(await p.locator('.filters').isVisible()).toBe(false);
    const row = p.locator(`.doc[data-doc="${BROKEN_DOC}"]`);
    await row.locator('summary').click();
    expect(await row.locator('dd.actual').innerText()).toBe('404');
    await screenshot(p, 'status-page-no-js.png');
    expect(errors).toEqual([]);
  });
});
