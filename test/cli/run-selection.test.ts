// A run that checks nothing is not green, and what is not a doc is not run: filters matching no doc, an
// empty docs folder, markdown without frontmatter, --exclude and .verifierignore, docs that need a
// fallback or partners URL nobody gave. Every refusal exits 2 before a request is sent.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../cli/lint.js';
import { cliWorkspace, execRun } from '../support/cli-run.js';
import { doc, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

const exec = execRun;
const workspace = (docs: Record<string, string>) =>
  cliWorkspace(api, docs, { staff: 'sel-staff-token', businessId: 'b' });

const getDoc = (domain: string, path: string, extra = '') =>
  doc({
    front: `endpoint: "GET ${path}"\ndomain: ${domain}\nstatus: verified`,
    test: `  - id: s\n    method: GET\n    path: "${path}"${extra}`,
  });

const TWO = { 'clients/a.md': getDoc('clients', '/a'), 'sales/b.md': getDoc('sales', '/b') };

describe('a selection of no doc is a usage error naming the filters and their matches', () => {
  it('--domain that matches nothing', async () => {
    const { base } = await workspace(TWO);
    const r = await exec({ ...base, domain: ['nope'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no docs selected: --domain nope matched 0 of the 2 docs in .*--allow-empty/);
    expect(api.received).toHaveLength(0);
  });

  it('filters that match alone but not together, each with its count', async () => {
    const { base } = await workspace(TWO);
    const r = await exec({ ...base, domain: ['clients'], doc: ['sales/*'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--domain clients matched 1, --doc sales/* matched 1 of the 2 docs');
  });

  it('an empty docs folder, and --allow-empty opts out', async () => {
    const { base } = await workspace({});
    const r = await exec(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no workflow docs/);
    const allowed = await exec({ ...base, allowEmpty: true });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/0 docs/);
  });

  it('lint on an empty folder exits 2, or 0 with --allow-empty', async () => {
    const dir = await tempDir();
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (s: string) => void err.push(s) };
    expect(await lintCommand([dir], {}, io)).toBe(2);
    expect(err.join('')).toMatch(/verifier lint: no docs found in .*--allow-empty/);
    expect(await lintCommand([dir], { allowEmpty: true }, io)).toBe(0);
  });
});

describe('markdown that is not a workflow doc', () => {
  it('a README without frontmatter is listed once as ignored, not run, not INVALID', async () => {
    const { base } = await workspace({ ...TWO, 'README.md': '# Our docs\n\nHow we write them.\n' });
    const r = await exec(base);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/README\.md/g)).toHaveLength(1);
    expect(r.stdout).toContain('ignored README.md: no frontmatter: not a workflow doc');
    expect(r.stdout).not.toMatch(/INVALID/);
    expect(r.stdout).toMatch(/run \S+ finished .*: 2 pass, 0 fail, 0 error, 0 blocked, 0 invalid, 0 skip/);
  });

  it('--exclude globs and the root .verifierignore leave docs out', async () => {
    const { base } = await workspace({
      ...TWO,
      'drafts/c.md': getDoc('drafts', '/c'),
      'sales/old/d.md': getDoc('sales', '/d'),
    });
    await writeFile(join(base.docs, '.verifierignore'), '# work in progress\ndrafts/\n');
    const r = await exec({ ...base, exclude: ['old'] });
    expect(r.code).toBe(0);
    expect(api.received.map((q) => q.path).sort()).toEqual(['/apigw/a', '/apigw/b']);
  });

  it('lint lists the README once as ignored and lints the docs', async () => {
    const { base } = await workspace({ ...TWO, 'README.md': '# Our docs\n' });
    const err: string[] = [];
    expect(await lintCommand([base.docs], {}, { stdout: () => {}, stderr: (s) => void err.push(s) })).toBe(0);
    expect(err.join('')).toMatch(/ignored .*README\.md: no frontmatter/);
    expect(err.join('')).toMatch(/in 2 docs/);
  });
});

describe('docs that need a URL nobody gave', () => {
  const FALLBACK = { 'clients/f.md': getDoc('clients', '/f', '\n    useFallback: true'), ...TWO };

  it('a fallback step without --fallback-url is a usage error naming the doc; nothing is sent', async () => {
    const { base } = await workspace(FALLBACK);
    const r = await exec(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--fallback-url is required: 1 selected doc sends steps to the fallback API \(clients\/f\.md\)/,
    );
    expect(api.received).toHaveLength(0);
  });

  it('a partners path without --partners-url, likewise', async () => {
    const { base } = await workspace({ 'clients/p.md': getDoc('clients', '/partners/v1/x') });
    const r = await exec(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--partners-url is required: .*clients\/p\.md/);
  });

  it('a doc the filters leave out does not need it', async () => {
    const { base } = await workspace(FALLBACK);
    expect((await exec({ ...base, domain: ['sales'] })).code).toBe(0);
  });

  it('the base URL given deliberately as the fallback is said in the header', async () => {
    const { base } = await workspace(FALLBACK);
    const r = await exec({ ...base, fallbackUrl: base.baseUrl });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--fallback-url is the base URL: ${base.baseUrl}`);
    expect(api.received.map((q) => q.path)).toContain('/apigw/f');
  });
});
