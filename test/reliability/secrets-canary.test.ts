// Canary: distinctive token values, sent for real to a fault server that echoes them back, fail in
// every way a run can fail (timeouts, resets, refused, DNS, huge bodies, redirects, 429s, invalid
// docs, a spam-flagged business whose alert webhook fails). The values must appear nowhere: not in the
// CLI's stdout or stderr, the JSON and JUnit reports, any file of the state folder, or the alert the
// webhook received, in any encoding.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docText, docWithStep, okStep } from '../support/doc-arbitraries.js';
import {
  type FaultServer,
  refusedPort,
  startFaultServer,
  UNRESOLVABLE_HOST,
} from '../support/fault-server.js';
import { type CliOutput, runCli } from './cli-child.js';
import { CANARY_TOKENS, removeTempDirs, tempDir } from './harness.js';

const WEBHOOK_SECRET = 'cnry-HOOK-55aa66bb77cc';
const SECRETS = [...Object.values(CANARY_TOKENS), WEBHOOK_SECRET];

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** Every form a leaked value could take in text, plus its distinctive middle. */
function forms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      encodeURI(secret),
      xml(secret),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
      secret.slice(4, -4),
    ]),
  ];
}

const mk = (path: string, extra: Record<string, unknown> = {}) =>
  docWithStep(okStep('call', { path, ...extra }));

const DOCS: Record<string, string> = {
  'echo/staff.md': mk('/echo', { expect: { status: [201] } }),
  'echo/admin.md': mk('/echo', { token: 'admin', expect: { status: [201] } }),
  'echo/directory_obo.md': mk('/echo', {
    token: 'directory',
    x_on_behalf_of: true,
    expect: { status: [201] },
  }),
  'echo/post_body.md': mk('/echo', { method: 'POST', body: { note: 'x' }, expect: { status: [201] } }),
  'echo/missing_token.md': mk('/echo', { token: 'client' }),
  'faults/slow.md': mk('/slow-headers?ms=3000'),
  'faults/slow_body.md': mk('/slow-body?ms=3000'),
  'faults/reset.md': mk('/reset'),
  'faults/huge.md': mk('/huge', { expect: { status: [201] } }),
  'faults/redirect.md': mk('/redirect-other-host'),
  'faults/storm.md': mk('/429?retry-after=0'),
  'faults/e500.md': mk('/status/500'),
  'faults/refused.md': docWithStep(
    okStep('call', { path: '/refused' }),
    'endpoint: "GET /refused"\ndomain: faults\nstatus: verified\nuseFallbackApi: true\n',
  ),
  'faults/partners_dns.md': mk('/partners/v1/echo'),
  'invalid/unresolved.md': mk('/echo/{{nothing_defines_this}}'),
  'invalid/unsafe.md': mk(`http://${UNRESOLVABLE_HOST}/echo`),
  'invalid/broken_yaml.md': docText({ test: 'steps:\n  - id: [unclosed\n' }),
  'invalid/no_frontmatter.md': docText({ frontmatter: null, test: 'steps: 12\n' }),
  'communication/post_platform_v1_messages.md': docWithStep(
    okStep('send', {
      method: 'POST',
      path: '/platform/v1/messages?trace=1',
      body: { message: { text: 'x' } },
      expect: { status: [201] },
    }),
    'endpoint: "POST /platform/v1/messages"\ndomain: communication\nstatus: verified\n',
  ),
};

let fs: FaultServer;
let work: string;
let out: CliOutput;
const files: Record<string, string> = {};

async function readTree(dir: string, into: Record<string, string>): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await readTree(p, into);
    else into[p] = await readFile(p, 'utf8');
  }
}

beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 3000, hugeBytes: 3 * 1024 * 1024 });
  work = await tempDir('verifier-canary-');
  for (const [id, text] of Object.entries(DOCS)) {
    await mkdir(dirname(join(work, 'docs', id)), { recursive: true });
    await writeFile(join(work, 'docs', id), text);
  }
  const tokensFile = join(work, 'tokens.json');
  await writeFile(
    tokensFile,
    JSON.stringify({
      tokens: CANARY_TOKENS,
      params: { business_id: 'biz-canary', business_uid: 'bu-1', staff_id: 's-1' },
    }),
  );
  out = await runCli([
    'run',
    '--docs',
    join(work, 'docs'),
    '--base-url',
    fs.url,
    '--fallback-url',
    `http://127.0.0.1:${await refusedPort()}`,
    '--partners-url',
    `http://${UNRESOLVABLE_HOST}`,
    '--tokens',
    tokensFile,
    '--timeout-ms',
    '300',
    '--rps',
    '0',
    '--concurrency',
    '6',
    '--state',
    join(work, 'state'),
    '--report',
    `json=${join(work, 'report.json')}`,
    '--report',
    `junit=${join(work, 'report.xml')}`,
    '--alert-webhook',
    `${fs.url}/status/500?key=${WEBHOOK_SECRET}`,
  ]);
  await readTree(join(work, 'state'), files);
  for (const f of ['report.json', 'report.xml']) files[join(work, f)] = await readFile(join(work, f), 'utf8');
  files.webhook = fs
    .hits('/status/500')
    .map((r) => r.body)
    .join('\n');
  files.stdout = out.stdout;
  files.stderr = out.stderr;
}, 60_000);

afterAll(async () => {
  await fs.close();
  await removeTempDirs();
});

describe('secrets canary', () => {
  it('really sent the tokens, and the run covered every failure kind', () => {
    const auths = new Set(fs.requests.map((r) => r.headers.authorization));
    expect(auths).toContain(`Bearer ${CANARY_TOKENS.staff}`);
    expect(auths).toContain(`Admin ${CANARY_TOKENS.admin}`);
    expect(auths).toContain(`Bearer ${CANARY_TOKENS.directory}`);
    expect(fs.hits('/status/500').some((r) => r.url.includes(WEBHOOK_SECRET))).toBe(true);
    expect(out.code).toBe(1);
    const report = JSON.parse(files[join(work, 'report.json')] ?? '{}') as {
      summary: Record<string, number>;
    };
    // Markdown without frontmatter is not a workflow doc: listed once as ignored, not run.
    expect(report.summary).toMatchObject({ total: Object.keys(DOCS).length - 1, pass: 0, blocked: 1 });
    expect(files.stdout?.match(/ignored invalid\/no_frontmatter\.md: no frontmatter/g)).toHaveLength(1);
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.summary.error).toBeGreaterThan(0);
    expect(report.summary.invalid).toBeGreaterThan(0);
    expect(files.stdout).toContain('[REDACTED]');
    // The alert reached the (failing) webhook, with the spam evidence that echoed a token.
    expect(files.webhook).toContain('business.spam_flagged');
    expect(files.webhook).toContain('trace');
  });

  it('finds no token value, in any encoding, in stdout, stderr, reports or state files', () => {
    expect(Object.keys(files).length).toBeGreaterThan(5);
    const leaks: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      for (const secret of SECRETS) {
        for (const form of forms(secret)) if (text.includes(form)) leaks.push(`${name}: ${form}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
