// `npm start` end to end, as a child process: healthy run (exit 0 + summary), then the spam-flagged
// scenario with the same state and an alert webhook (exit 1, the alert arrives once), then the normal
// start again (exit 0, the recovery alert arrives once).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SUMMARY =
  /^run \S+ finished.*: (\d+) pass, (\d+) fail, (\d+) error, (\d+) blocked, (\d+) invalid, (\d+) skip$/m;

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: the alert JSON as received
  readonly body: any;
}

let state: string;
let webhook: Server;
let webhookUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  // A full build first: `npm start` only rebuilds a stale bundle, and this test must run the current code.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  state = await mkdtemp(join(tmpdir(), 'start-e2e-'));
  webhook = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += String(d);
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/verifier`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  await rm(state, { recursive: true, force: true });
});

function run(command: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const start = (...args: string[]) =>
  run(process.execPath, [
    'dist/verifier.mjs',
    'start',
    '--state',
    state,
    '--alert-webhook',
    webhookUrl,
    ...args,
  ]);

function summary(out: string) {
  const m = SUMMARY.exec(out);
  expect(m, out).not.toBeNull();
  const [pass, fail, error, blocked, invalid, skip] = (m ?? []).slice(1).map(Number);
  return { pass, fail, error, blocked, invalid, skip };
}

describe('npm start', () => {
  it('healthy: every active seed doc passes, pending and skipped are skip, exit 0', async () => {
    const { code, out } = await run('npm', ['start', '--silent', '--', '--state', state]);
    expect(code, out).toBe(0);
    expect(summary(out)).toMatchObject({ fail: 0, error: 0, blocked: 0, invalid: 0, skip: 2 });
    expect(summary(out).pass).toBeGreaterThanOrEqual(11);
    expect(out).toMatch(/^PASS\s+communication\/post_platform_v1_messages\.md/m);
    expect(out).not.toContain('ALERT');
  });

  it('spam-flagged: the messaging docs end blocked, the alert is printed and POSTed once, exit 1', async () => {
    const { code, out } = await start('--scenario', 'spam-flagged');
    expect(code, out).toBe(1);
    expect(summary(out)).toMatchObject({ blocked: 3, fail: 0, error: 0, invalid: 0 });
    expect(out).toMatch(/^BLOCKED\s+communication\/post_platform_v1_messages\.md/m);
    expect(out).toMatch(/^ALERT business \w+ is spam-flagged/m);
    expect(out).not.toContain('/hooks/verifier');
    expect(received).toHaveLength(1);
    const alert = received[0]?.body;
    expect(alert).toMatchObject({ type: 'business.spam_flagged', evidence: { status: 422 } });
    expect(alert.affectedDocs).toContain('communication/post_platform_v1_messages.md');
    expect(alert.remedy).toMatch(/fresh business|verified/);
    expect(JSON.stringify(alert)).not.toMatch(/sbx_(staff|client|directory|app|admin)_/);
  });

  it('the normal start afterwards shows the recovery: one business.recovered alert, exit 0', async () => {
    const { code, out } = await start();
    expect(code, out).toBe(0);
    expect(out).toMatch(/^ALERT business \w+ recovered/m);
    expect(received.map((r) => r.body.type)).toEqual(['business.spam_flagged', 'business.recovered']);
    expect(received[1]?.body.businessId).toBe(received[0]?.body.businessId);

    const again = await start();
    expect(again.code).toBe(0);
    expect(again.out).not.toContain('ALERT');
    expect(received).toHaveLength(2);
  });

  it('no sandbox token was written into the state folder', async () => {
    const files = (await readdir(state, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = await readFile(join(f.parentPath, f.name), 'utf8');
      expect(text, f.name).not.toMatch(/sbx_(staff|client|directory|app|admin)_[0-9a-f]{32}/);
    }
  });

  it('an unknown scenario is a usage error (exit 2) naming the choices', async () => {
    const { code, out } = await start('--scenario', 'meltdown');
    expect(code).toBe(2);
    expect(out).toMatch(/healthy, spam-flagged/);
  });
});

describe('npm start health scenarios (issue 12)', () => {
  let healthState: string;
  beforeAll(async () => {
    healthState = await mkdtemp(join(tmpdir(), 'start-health-'));
  });
  afterAll(async () => {
    await rm(healthState, { recursive: true, force: true });
  });
  const startIn = (dir: string, ...args: string[]) =>
    run(process.execPath, [
      'dist/verifier.mjs',
      'start',
      '--state',
      dir,
      '--alert-webhook',
      webhookUrl,
      ...args,
    ]);
  const alertLines = (out: string) => out.match(/^ALERT \S+/gm) ?? [];

  it('outage: two starts open the incident and print one doc.failing; a plain start prints one doc.recovered', async () => {
    const mark = received.length;
    const first = await startIn(healthState, '--scenario', 'outage');
    expect(first.code, first.out).toBe(1);
    expect(first.out).toMatch(/^FAIL\s+platform_administration\/get_platform_v1_staffs\.md/m);
    expect(alertLines(first.out)).toEqual([]);

    const second = await startIn(healthState, '--scenario', 'outage');
    expect(second.code, second.out).toBe(1);
    expect(alertLines(second.out)).toEqual(['ALERT doc.failing:']);
    const posted = received.slice(mark).map((r) => r.body);
    expect(posted.map((a) => a.type)).toEqual(['doc.failing']);
    expect(posted[0].docs.map((d: { doc: string }) => d.doc)).toContain(
      'platform_administration/get_platform_v1_staffs.md',
    );
    expect(posted[0].docs[0]).toMatchObject({ outcome: 'fail', failures: 2, step: { actual: 500 } });

    const back = await startIn(healthState);
    expect(back.code, back.out).toBe(0);
    expect(alertLines(back.out)).toEqual(['ALERT doc.recovered:']);
    const again = await startIn(healthState);
    expect(alertLines(again.out)).toEqual([]);
    expect(received.slice(mark).map((r) => r.body.type)).toEqual(['doc.failing', 'doc.recovered']);
  });

  it('gateway-down shows one target.down and no per-doc alert; token-revoked shows credential.rejected (no token)', async () => {
    const down = await mkdtemp(join(tmpdir(), 'start-down-'));
    const revoked = await mkdtemp(join(tmpdir(), 'start-revoked-'));
    try {
      for (let i = 0; i < 2; i++) {
        const { out } = await startIn(down, '--scenario', 'gateway-down');
        expect(alertLines(out)).toEqual(i === 0 ? ['ALERT target.down:'] : []);
      }
      const mark = received.length;
      const { code, out } = await startIn(revoked, '--scenario', 'token-revoked');
      expect(code, out).toBe(1);
      expect(alertLines(out)).toEqual(['ALERT credential.rejected:']);
      const alert = received[mark]?.body;
      expect(alert).toMatchObject({ type: 'credential.rejected', subject: 'staff' });
      expect(JSON.stringify(alert)).not.toMatch(/sbx_(staff|client|directory|app|admin)_/);
    } finally {
      await rm(down, { recursive: true, force: true });
      await rm(revoked, { recursive: true, force: true });
    }
  });
});
