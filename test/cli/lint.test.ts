import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LintIo, lintCommand } from '../../cli/lint.js';
import { main } from '../../cli/main.js';

const FIXTURES = 'test/fixtures/lint';

function capture(): LintIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s) };
}

const WIZARD_DOC = [
  '---',
  'status: verified',
  '---',
  '## Test Request',
  '```yaml',
  'steps:',
  '  - id: get_wizard',
  '    method: GET',
  '    path: "/platform/v1/businesses/{{business_uid}}/wizards/{{wizard_name}}"',
  '```',
  '',
].join('\n');

describe('lintCommand', () => {
  it('prints findings with the path as given (relative to the cwd) and exits 1 on an error', async () => {
    const io = capture();
    const code = await lintCommand([`${FIXTURES}/unsupported-resolved.md`], {}, io);
    expect(code).toBe(1);
    expect(io.out.join('')).toBe(
      `${FIXTURES}/unsupported-resolved.md:16: error: step "main_request": unsupported expression {{resolved.uid}} in path: only plain names such as {{client_uid}} are supported; dotted names are not supported; extract the value in an earlier step (extract: { uid: "$.data.uid" }) and use the plain name\n`,
    );
    expect(io.err.join('')).toBe('1 error, 0 warnings in 1 doc\n');
  });

  it('walks folders, joins ids to the folder as written, checks fallback across the docs, exits 0 on warnings', async () => {
    const io = capture();
    const code = await lintCommand([`./${FIXTURES}/fallback/`], {}, io);
    expect(code).toBe(0);
    expect(io.out.join('')).toMatch(
      /^test\/fixtures\/lint\/fallback\/put_tax\.md:14: warning: step "create_tax": POST \/business\/payments\/v1\/taxes goes to the fallback URL/,
    );
    expect(io.err.join('')).toBe('0 errors, 1 warning in 2 docs\n');
  });

  it('prints absolute paths for absolute arguments', async () => {
    const io = capture();
    const file = resolve(FIXTURES, 'path-placeholder.md');
    await lintCommand([file], {}, io);
    expect(io.out.join('')).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:16: error: step "get_widget": path "/v3/widgets/\\{uid\\}" has a single-brace placeholder`,
      ),
    );
  });

  it('counts --tokens params as defined names and never echoes the tokens file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lint-cli-'));
    const doc = join(dir, 'wizard.md');
    await writeFile(doc, WIZARD_DOC);
    const tokens = join(dir, 'tokens.json');
    await writeFile(
      tokens,
      JSON.stringify({ tokens: { staff: 'tok_SECRET_4242' }, params: { wizard_name: 'setup' } }),
    );
    const without = capture();
    expect(await lintCommand([doc], {}, without)).toBe(1);
    expect(without.out.join('')).toContain('unknown variable {{wizard_name}}');
    const withTokens = capture();
    expect(await lintCommand([doc], { tokens }, withTokens)).toBe(0);
    expect(withTokens.out).toEqual([]);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "tokens": { "staff": "tok_SECRET_4242" ');
    const bad = capture();
    expect(await lintCommand([doc], { tokens: broken }, bad)).toBe(2);
    expect(bad.err.join('')).toContain('broken.json is not valid JSON');
    expect([...bad.out, ...bad.err, ...withTokens.err].join('')).not.toContain('tok_SECRET_4242');
  });

  it('prints findings as JSON with their path and code', async () => {
    const io = capture();
    const code = await lintCommand(
      [`${FIXTURES}/extract-pipe.md`, `${FIXTURES}/ok.md`],
      { format: 'json' },
      io,
    );
    expect(code).toBe(1);
    const rows: unknown = JSON.parse(io.out.join(''));
    expect(rows).toEqual([
      expect.objectContaining({
        path: `${FIXTURES}/extract-pipe.md`,
        doc: `${FIXTURES}/extract-pipe.md`,
        line: 18,
        severity: 'error',
        code: 'bad-extract',
      }),
    ]);
  });

  it('lints seeds/ when no path is given', async () => {
    const io = capture();
    await lintCommand([], {}, io);
    expect(io.err.join('')).toMatch(/^\d+ errors?, \d+ warnings? in [1-9]\d* docs?\n$/);
    for (const line of io.out) expect(line).toMatch(/^seeds\//);
  });

  it('names a missing path and exits 2', async () => {
    const io = capture();
    expect(await lintCommand([`${FIXTURES}/ok.md`, 'no/such/dir'], {}, io)).toBe(2);
    expect(io.err.join('')).toBe('verifier lint: no such file or folder: no/such/dir\n');
    expect(io.out).toEqual([]);
  });
});

describe('verifier lint through main()', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const run = async (...args: string[]) => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const code = await main(['node', 'verifier', 'lint', ...args]);
    vi.restoreAllMocks();
    return { code, text: out.join('') };
  };

  it('exits 0 for a clean doc, 1 for an error, 2 for usage errors', async () => {
    expect((await run(`${FIXTURES}/ok.md`)).code).toBe(0);
    expect((await run(`${FIXTURES}/sleep-too-long.md`)).code).toBe(1);
    const missing = await run('missing.md');
    expect(missing.code).toBe(2);
    expect(missing.text).toContain('missing.md');
    expect((await run('--format', 'xml', `${FIXTURES}/ok.md`)).code).toBe(2);
  });
});
