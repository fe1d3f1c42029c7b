// Regenerates docs/status-page.png (the README's screenshot): three real runs of the shipped docs plus
// one broken doc against the in-process sandbox (health settled after each: an open incident, a mute,
// and in the last run, with the auth matrix, an auth.accepted security finding), the status page written from that state, opened in
// Debian's Chromium with the failing doc's detail open. Run: npx tsx scripts/screenshot.ts
import { join } from 'node:path';
import { writeStatusPage } from '../cli/status.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { buildMute } from '../lambda/engine/health/mutes.js';
import { launch, openFile } from '../test/browser/browser.js';
import { BROKEN_DOC, sandboxRuns } from '../test/browser/sandbox-runs.js';

const out = join(import.meta.dirname, '../docs/status-page.png');
// The sandbox of `--scenario auth-drift`: the last run re-sends GET steps with every documented token
// type (--auth-matrix) and finds the app token let in, the security finding that leads the page.
const runs = await sandboxRuns({ authDrift: true });
try {
  // Each run settles its docs' health: the broken doc's incident opens in run 2.
  for (let i = 0; i < 3; i++) await runs.run(i === 2 ? { authMatrix: 'get' } : {});
  const mute = buildMute({
    id: 'm-deploy',
    scope: { kind: 'domain', domain: 'communication' },
    at: new Date(),
    forMs: 2 * 3_600_000,
    reason: 'messaging deploy',
  });
  await createLocalStateStore({ dir: runs.state }).putHealth('mute', mute.id, mute, 0, mute.createdAt);
  const file = join(runs.dir, 'status.html');
  await writeStatusPage({
    state: runs.state,
    file,
    docs: runs.docs,
    target: 'https://api.example.com/apigw',
  });
  const browser = await launch();
  try {
    const { page, errors } = await openFile(browser, file, { width: 1280 });
    await page.locator(`.doc[data-doc="${BROKEN_DOC}"] summary`).click();
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: out });
    if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await runs.close();
}
