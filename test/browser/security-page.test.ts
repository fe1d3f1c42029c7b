// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person sees, which is what these tests assert
// A security finding on the status page: a real `verifier start --scenario auth-drift` (the sandbox's
// conversations list lets in the app token its doc says is refused; the run re-sends GET steps with
// every documented token type, --auth-matrix), then the page the start wrote, opened in Chromium. The
// finding leads the health box (doc, token type, since when) and marks the doc's row and detail.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeStart } from '../../cli/start.js';
import { statusCommand } from '../../cli/status.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { formatTime } from '../../lambda/report-html/stats.js';
import { AUTH_DRIFT } from '../../sandbox/server.js';
import { hasChromium, launch, openFile, screenshot } from './browser.js';

const DOC = 'communication/get_platform_v1_conversations.md';
const KEY = `auth.accepted#${DOC}#${AUTH_DRIFT.tokenType}`;

let dir: string;
let page: string;
let since = '';
let output = '';
let text = '';
let browser: Browser;

beforeAll(async () => {
  dir = join(tmpdir(), `security-page-${process.pid}-${Date.now()}`);
  const state = join(dir, 'state');
  const out = new PassThrough();
  out.on('data', (c: Buffer) => {
    output += c.toString();
  });
  expect(
    await executeStart({ scenario: 'auth-drift', state }, { stdout: out, stderr: out, isTTY: false }),
  ).toBe(0);
  page = join(state, 'status.html');
  expect(output).toContain(`status page: ${page}`);
  const record = await createLocalStateStore({ dir: state }).getHealth('condition', KEY);
  since = String((record?.data as { since?: string } | undefined)?.since);
  const lines: string[] = [];
  const io = { stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(s) };
  expect(await statusCommand({ state }, io)).toBe(0);
  text = lines.join('');
  if (hasChromium) browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('an auth.accepted finding', () => {
  it('was raised by the run and stored as an active record', () => {
    expect(output).toContain(`ALERT auth.accepted: app token accepted on ${DOC}`);
    expect(since).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('leads the terminal summary of verifier status', () => {
    expect(text).toContain(
      `security: tokens accepted that the docs say are refused (1)\n  app token accepted on ${DOC}\n`,
    );
    expect(text.indexOf('security:')).toBeLessThan(text.indexOf('open incidents'));
  });

  it('is in the page without JavaScript: health box first, and on the row', async () => {
    const html = await readFile(page, 'utf8');
    const box = html.indexOf('class="health security"');
    expect(box).toBeGreaterThan(0);
    expect(box).toBeLessThan(html.indexOf('<h2>Outcomes per run</h2>'));
    expect(html).not.toContain('No open incident, no business or target condition.');
    expect(html).toMatch(new RegExp(`data-doc="${DOC}" data-outcome="pass" data-auth-accepted="true"`));
  });
});

describe.skipIf(!hasChromium)('an auth.accepted finding in Chromium', () => {
  it('shows first in the health box with the doc, token type and since when, styled as severe', async () => {
    const { page: p, errors, foreign } = await openFile(browser, page);
    expect(await p.locator('header.top .alarm').innerText()).toBe('1 security finding: token accepted');
    const first = p.locator('.health').first();
    expect(await first.getAttribute('data-key')).toBe(KEY);
    expect(await first.isVisible()).toBe(true);
    const said = await first.innerText();
    expect(said).toContain(`SECURITY: TOKEN ACCEPTED ${DOC}`);
    expect(said).toContain(`app token let in · since ${formatTime(since)}`);
    expect(said).toContain(
      'step "list_conversations" re-sent with the app token: got 200; the doc says refused (401)',
    );
    // Severe: a red border and a red-tinted background, unlike the other health boxes.
    const style = await p.evaluate(
      `(() => { const s = getComputedStyle(document.querySelector('.health')); return { border: s.borderLeftColor, width: s.borderLeftWidth, background: s.backgroundColor }; })()`,
    );
    expect(style).toEqual({ border: 'rgb(217, 59, 59)', width: '8px', background: 'rgb(253, 232, 232)' });
    // In the first screen a person sees, without scrolling.
    const box = await first.boundingBox();
    expect((box?.y ?? 1e9) + (box?.height ?? 0)).toBeLessThan(900);
    await screenshot(p, 'status-page-security.png');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('marks the doc row first in its domain and shows the finding in its detail', async () => {
    const { page: p, errors } = await openFile(browser, page);
    await p.locator('.health.security a').first().click();
    const row = p.locator(`.doc[data-doc="${DOC}"]`);
    expect(await row.getAttribute('open')).not.toBeNull();
    expect(await row.locator('.sum .tg.sec').innerText()).toBe('auth accepted');
    expect(
      await p.locator('section[data-domain="communication"] .doc').first().getAttribute('data-doc'),
    ).toBe(DOC);
    const finding = row.locator('.detail .health.security');
    expect(await finding.isVisible()).toBe(true);
    expect(await finding.innerText()).toContain(`SECURITY: APP TOKEN ACCEPTED since ${formatTime(since)}`);
    const matrix = row.locator('.detail table.auth tr[data-finding="auth.accepted"]');
    expect(await matrix.getAttribute('data-token')).toBe('app');
    expect(await matrix.innerText()).toContain('security: a token the doc says is refused was let in');
    // The outcome filter finds it.
    await p.selectOption('#fo', 'security');
    expect(
      await p.locator('.doc:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc'))),
    ).toEqual([DOC]);
    await p.selectOption('#fo', '');
    await row.scrollIntoViewIfNeeded();
    await screenshot(p, 'status-page-security-detail.png');
    expect(errors).toEqual([]);
  });
});
