// Debian's Chromium driven by playwright-core, for the page tests. Tests skip (with a notice) only when
// /usr/bin/chromium is missing. Every page is opened from file:// with every request routed: anything
// that is not the page itself is recorded and aborted, and console errors are collected.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

/** Screenshots for reviewers (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and page errors. */
  readonly errors: string[];
  /** Every request for something other than the page file itself (all aborted). */
  readonly foreign: string[];
}

export async function openFile(
  browser: Browser,
  file: string,
  options: { javaScript?: boolean; width?: number } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: options.width ?? 1440, height: 900 },
  });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.split('#')[0] === url) return route.continue();
    foreign.push(u);
    return route.abort();
  });
  await page.goto(url);
  return { page, errors, foreign };
}

/**
 * A full-page screenshot as a reader scrolling the page sees it: the viewport is made as tall as the
 * page first, because rows under `content-visibility: auto` are not painted while off screen (a plain
 * full-page capture shows them as empty boxes).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  const viewport = page.viewportSize();
  if (viewport) {
    // Painting the rows changes their height (their placeholder size is an estimate): until it settles.
    for (let i = 0, height = viewport.height; i < 3; i++) {
      const full = await page.evaluate<number>('document.documentElement.scrollHeight');
      if (full === height) break;
      height = full;
      await page.setViewportSize({ width: viewport.width, height: full });
    }
  }
  await page.screenshot({ path, fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
  return path;
}
