// `verifier run` with the promise checks wired, over real servers: the sandbox (its auth-drift
// scenario and the shipped seeds) and a local server answering a drifted body. Each flag is exercised
// end to end through executeRun: the console, the JSON report, the alerts, the files written back.
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { executeRun, type RunCliOptions } from '../../cli/run.js';
import { AUTH_DRIFT, createSandbox, type Sandbox } from '../../sandbox/server.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();
const ROOT = join(import.meta.dirname, '..', '..');
const SEEDS = join(ROOT, 'seeds');
const OPENAPI = join(ROOT, 'test', 'fixtures', 'openapi');

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function exec(opts: RunCliOptions, credentials?: Sandbox['tokens']) {
  const out = capture();
  const err = capture();
  const code = await executeRun(
    opts,
    { stdout: out.stream, stderr: err.stream, isTTY: false },
    credentials ? { credentials } : {},
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

const sandboxRun = (sandbox: Sandbox, more: Partial<RunCliOptions>): RunCliOptions => ({
  docs: SEEDS,
  baseUrl: sandbox.baseUrl,
  fallbackUrl: sandbox.fallbackUrl,
  partnersUrl: sandbox.partnersUrl,
  testFiles: join(SEEDS, 'test-files'),
  rps: '0',
  allowDelete: true,
  ...more,
});

/** A webhook receiver on 127.0.0.1:0 that keeps every body it is sent. */
async function webhook(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const tokenValues = (s: Sandbox) => Object.values(s.tokens.tokens).filter((t): t is string => Boolean(t));

describe('--auth-matrix against the sandbox', () => {
  let drifted: Sandbox;
  let healthy: Sandbox;
  beforeAll(async () => {
    // Same seed: the same business and tokens, one with the drift and one without.
    drifted = await createSandbox({ seed: 7, authDrift: AUTH_DRIFT });
    healthy = await createSandbox({ seed: 7 });
  });
  afterAll(async () => {
    await drifted.close();
    await healthy.close();
  });

  it('finds the wrongly accepted app token, alerts once per transition, and never shows a token', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state');
    const hook = await webhook();
    try {
      const report = join(dir, 'report.json');
      const first = await exec(
        sandboxRun(drifted, { state, authMatrix: true, alertWebhook: hook.url, report: [`json=${report}`] }),
        drifted.tokens,
      );
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('PASS    communication/get_platform_v1_conversations.md');
      expect(first.stdout).toContain(
        '  auth.accepted: app token accepted on list_conversations (200); the doc says No (401)',
      );
      expect(first.stdout).toMatch(
        /ALERT auth\.accepted: app token accepted on communication\/get_platform_v1_conversations\.md/,
      );
      expect(first.stdout).toMatch(/^auth: 1 auth\.accepted, \d+ ok$/m);
      const json = JSON.parse(await readFile(report, 'utf8')) as {
        docs: { doc: string; auth?: { tokenType: string; finding: string }[] }[];
      };
      const conv = json.docs.find((d) => d.doc === 'communication/get_platform_v1_conversations.md');
      expect(conv?.auth).toContainEqual(
        expect.objectContaining({
          tokenType: 'app',
          finding: 'auth.accepted',
          status: 200,
          expectedStatus: 401,
        }),
      );
      // Every other documented refusal holds in the sandbox: exactly one finding that is not ok.
      const notOk = json.docs.flatMap((d) => (d.auth ?? []).filter((f) => f.finding !== 'ok'));
      expect(notOk).toHaveLength(1);

      // The same drift again: no new alert.
      const second = await exec(
        sandboxRun(drifted, { state, authMatrix: 'get', alertWebhook: hook.url }),
        drifted.tokens,
      );
      expect(second.stdout).toContain('auth.accepted: app token accepted on list_conversations');
      expect(second.stdout).not.toContain('ALERT auth.');

      // Fixed: one auth.ok, then nothing.
      const third = await exec(
        sandboxRun(healthy, { state, authMatrix: 'get', alertWebhook: hook.url }),
        healthy.tokens,
      );
      expect(third.stdout).toMatch(
        /ALERT auth\.ok: app token refused again on communication\/get_platform_v1_conversations\.md/,
      );
      const fourth = await exec(sandboxRun(healthy, { state, authMatrix: 'get' }), healthy.tokens);
      expect(fourth.stdout).not.toContain('ALERT auth.');

      const hooked = hook.bodies as { type: string; tokenType?: string; severity?: string; doc?: string }[];
      expect(
        hooked.filter((a) => a.type.startsWith('auth.')).map((a) => [a.type, a.severity, a.tokenType, a.doc]),
      ).toEqual([
        ['auth.accepted', 'critical', 'app', 'communication/get_platform_v1_conversations.md'],
        ['auth.ok', 'info', 'app', 'communication/get_platform_v1_conversations.md'],
      ]);
      // The canary: no token value in the console, the report, the alerts or the stored records.
      const stored = await readTree(state);
      for (const text of [
        first.stdout,
        first.stderr,
        third.stdout,
        await readFile(report, 'utf8'),
        JSON.stringify(hook.bodies),
        stored,
      ])
        for (const t of tokenValues(drifted)) expect(text).not.toContain(t);
    } finally {
      await hook.close();
    }
  });

  it('without --auth-matrix re-sends nothing: no auth finding, no alert', async () => {
    const dir = await tempDir();
    const out = await exec(sandboxRun(drifted, { state: join(dir, 'state') }), drifted.tokens);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('auth.');
  });
});

/** Every file under dir, concatenated (to search the stored state for a token). */
async function readTree(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  const texts = await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
  return texts.join('\n');
}

describe('--openapi and --contract strict against a local server', () => {
  const clientDoc = doc({
    front:
      'endpoint: "GET /platform/v1/clients/{client_id}"\ndomain: clients\nstatus: verified\nswagger: "swagger/clients-oas30.yaml"',
    test: '  - id: get_client\n    method: GET\n    path: "/platform/v1/clients/c-1"',
  });
  async function workspace() {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'tokens.json'),
      JSON.stringify({ tokens: { staff: 'contract-staff-tok' }, params: {} }),
    );
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'docs', 'clients'), { recursive: true });
    await writeFile(join(dir, 'docs', 'clients', 'get_client.md'), clientDoc);
    return {
      docs: join(dir, 'docs'),
      tokens: join(dir, 'tokens.json'),
      state: join(dir, 'state'),
      baseUrl: `${api.url}/apigw`,
      rps: '0',
      openapi: OPENAPI,
      openapiRefMap: [`https://hub.example.test/=${OPENAPI}`],
    } satisfies RunCliOptions;
  }
  // `id` is a number where the entity says string: a drift.
  const drifted = () => {
    api.handler = () => ({ body: { status: 'OK', data: { id: 42, first_name: 'Ada' } } });
  };

  it('reports the drift under the doc and the totals, warns once per broken spec, and keeps exit 0', async () => {
    drifted();
    const out = await exec(await workspace());
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('PASS    clients/get_client.md');
    expect(out.stdout).toMatch(
      /^ {2}contract: step "get_client" drifted from GET \/clients\/\{client_id\} in swagger\/clients-oas30\.yaml: \/data\/id .*string/m,
    );
    expect(out.stdout).toContain('contract: 1 step matched an operation, 1 had a schema, 0 valid');
    expect(out.stderr.match(/--openapi: swagger\/broken\.json: not loaded/g)).toHaveLength(1);
    expect(out.stderr.match(/--openapi: swagger\/unmapped\.json: .*remote \$ref/g)).toHaveLength(1);
  });

  it('a valid body is counted valid and prints no contract line', async () => {
    api.handler = () => ({ body: { status: 'OK', data: { id: 'c-1', first_name: 'Ada' } } });
    const out = await exec(await workspace());
    expect(out.stdout).not.toMatch(/^ {2}contract:/m);
    expect(out.stdout).toContain('1 had a schema, 1 valid');
  });

  it('--contract strict fails the doc on the drift: exit 1', async () => {
    drifted();
    const out = await exec({ ...(await workspace()), contract: 'strict' });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/FAIL {4}clients\/get_client\.md .*drifted from its contract/);
  });

  it('lint --openapi says which file holds the operation', async () => {
    const ws = await workspace();
    const { lintCommand } = await import('../../cli/lint.js');
    let out = '';
    const code = await lintCommand(
      [ws.docs],
      { openapi: OPENAPI, openapiRefMap: ws.openapiRefMap },
      {
        stdout: (s) => {
          out += s;
        },
        stderr: () => {},
      },
    );
    expect(code).toBe(0);
    // The doc's swagger: names the right file: no finding for it.
    expect(out).not.toContain('get_client.md');
    await writeFile(
      join(ws.docs, 'clients', 'get_client.md'),
      clientDoc.replace('swagger/clients-oas30.yaml', 'swagger/nope.yaml'),
    );
    out = '';
    await lintCommand(
      [ws.docs],
      { openapi: OPENAPI, openapiRefMap: ws.openapiRefMap },
      {
        stdout: (s) => {
          out += s;
        },
        stderr: () => {},
      },
    );
    expect(out).toMatch(
      /get_client\.md:\d+: warning: .*in swagger\/clients-oas30\.yaml, but the swagger: file swagger\/nope\.yaml does not exist/,
    );
  });
});

describe('--write-back on a copy of the seeds', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({ seed: 3 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function copySeeds(): Promise<string> {
    const dir = await tempDir();
    await cp(SEEDS, join(dir, 'seeds'), { recursive: true });
    return join(dir, 'seeds');
  }
  async function snapshot(root: string): Promise<Map<string, string>> {
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.md'));
    return new Map(
      await Promise.all(files.map(async (f) => [f, await readFile(join(root, f), 'utf8')] as const)),
    );
  }

  it("changes only passing docs' verifiedAt lines, and --promote turns a passing pending doc verified", async () => {
    const docs = await copySeeds();
    const before = await snapshot(docs);
    const report = join(docs, '..', 'report.json');
    const out = await exec(
      sandboxRun(sandbox, {
        docs,
        state: join(docs, '..', 'state'),
        include: ['pending'],
        writeBack: true,
        promote: true,
        report: [`json=${report}`],
        testFiles: join(docs, 'test-files'),
      }),
      sandbox.tokens,
    );
    expect(out.code).toBe(0);
    const results = (
      JSON.parse(await readFile(report, 'utf8')) as { docs: { doc: string; outcome: string }[] }
    ).docs;
    const passed = new Set(results.filter((r) => r.outcome === 'pass').map((r) => r.doc));
    const after = await snapshot(docs);
    const changed = [...after].filter(([f, t]) => before.get(f) !== t).map(([f]) => f.split('\\').join('/'));
    expect(changed.length).toBeGreaterThan(0);
    for (const f of changed) expect(passed.has(f)).toBe(true);
    // Docs that did not pass (the skipped ones) are byte-identical.
    for (const r of results.filter((x) => x.outcome !== 'pass'))
      expect(after.get(r.doc)).toBe(before.get(r.doc));
    for (const f of changed) {
      const a = (before.get(f) ?? '').split('\n');
      const b = (after.get(f) ?? '').split('\n');
      const diff = b.filter((l, i) => l !== a[i]);
      for (const l of diff) expect(l).toMatch(/^(verifiedAt|status): /);
    }
    // The pending doc passed and was promoted.
    const promoted = changed.find((f) => /^status: pending/m.test(before.get(f) ?? ''));
    expect(promoted && after.get(promoted)).toMatch(/^status: verified/m);
    expect(out.stdout).toContain(`write-back: changed ${changed.length} docs:`);
    for (const f of changed) expect(out.stdout).toContain(`  ${f}`);
  });

  it('--dry-run prints the changed lines and writes nothing', async () => {
    const docs = await copySeeds();
    const before = await snapshot(docs);
    const out = await exec(
      sandboxRun(sandbox, {
        docs,
        state: join(docs, '..', 'state'),
        writeBack: true,
        dryRun: true,
        testFiles: join(docs, 'test-files'),
      }),
      sandbox.tokens,
    );
    expect(out.code).toBe(0);
    expect(await snapshot(docs)).toEqual(before);
    expect(out.stdout).toContain('--- a/communication/post_platform_v1_messages.md');
    expect(out.stdout).toMatch(/^-verifiedAt: "2026-11-25T09:40:00.000Z"$/m);
    expect(out.stdout).toMatch(/^\+verifiedAt: "\d{4}-\d\d-\d\dT[^"]+"$/m);
    expect(out.stdout).toMatch(/write-back: would change \d+ docs:/);
  });
});

describe('usage errors exit 2 and name the flag', () => {
  it.each<[string, Partial<RunCliOptions>, RegExp]>([
    ['a bad auth-matrix mode', { authMatrix: 'post' }, /--auth-matrix: expected get or all/],
    ['a bad contract mode', { contract: 'lax' }, /--contract: expected strict/],
    ['--contract without --openapi', { contract: 'strict' }, /--contract: strict needs --openapi/],
    [
      'a missing specs folder',
      { openapi: '/no/such/specs' },
      /--openapi: folder not found: \/no\/such\/specs/,
    ],
    [
      'a bad ref map',
      { openapi: OPENAPI, openapiRefMap: ['no-equals-sign'] },
      /--openapi-ref-map: expected URL=DIR/,
    ],
    ['--promote alone', { promote: true }, /--promote: needs --write-back/],
    ['--dry-run alone', { dryRun: true }, /--dry-run: needs --write-back/],
  ])('%s', async (_name, extra, message) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tokens.json'), JSON.stringify({ tokens: { staff: 't' }, params: {} }));
    const out = await exec({
      docs: SEEDS,
      tokens: join(dir, 'tokens.json'),
      state: join(dir, 's'),
      baseUrl: api.url,
      ...extra,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(api.received).toHaveLength(0);
  });

  it('through the command line: --auth-matrix takes an optional value, a wrong one exits 2', async () => {
    expect(
      await main([
        'node',
        'verifier',
        'run',
        '--auth-matrix',
        'sometimes',
        '--base-url',
        'http://127.0.0.1:9',
        '--tokens',
        '/nope.json',
      ]),
    ).toBe(2);
  });
});
