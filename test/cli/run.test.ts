// `verifier run` as a contract: flags, --config (flags win), usage errors naming the flag, exit codes, reports.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { RunCliOptions } from '../../cli/run.js';
import { cliWorkspace, execRun } from '../support/cli-run.js';
import { doc, useApi } from '../support/run-harness.js';

const api = useApi();

const exec = execRun;
const workspace = (docs: Record<string, string>) => cliWorkspace(api, docs);

const getDoc = (domain: string, path: string) =>
  doc({
    front: `endpoint: "GET ${path}"\ndomain: ${domain}\nstatus: verified`,
    test: `  - id: s\n    method: GET\n    path: "${path}"`,
  });

describe('usage errors exit 2 and name the flag', () => {
  it.each<[string, Partial<RunCliOptions>, RegExp]>([
    ['a missing base URL', { baseUrl: undefined }, /--base-url: is required/],
    ['a bad base URL', { baseUrl: 'ftp://x' }, /--base-url: expected an http\(s\) URL/],
    ['a bad concurrency', { concurrency: 'many' }, /--concurrency: expected a whole number/],
    ['a zero concurrency', { concurrency: '0' }, /--concurrency: expected a whole number >= 1/],
    ['a negative rps', { rps: '-1' }, /--rps: /],
    ['an unknown include', { include: ['pending,active'] }, /--include: expected pending and\/or failed/],
    ['a bad report', { report: ['pdf=x.pdf'] }, /--report: expected json=FILE, junit=FILE or html=FILE/],
    ['a missing tokens file', { tokens: '/nonexistent/tokens.json' }, /--tokens: cannot read/],
    ['a missing docs folder', { docs: '/nonexistent/docs' }, /--docs: folder not found/],
    ['a bad webhook', { alertWebhook: 'not a url' }, /--alert-webhook: /],
  ])('%s', async (_, override, message) => {
    const { base } = await workspace({});
    const r = await exec({ ...base, ...override });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(api.received).toHaveLength(0);
  });

  it('rejects a tokens file of the wrong shape without echoing its values', async () => {
    const { dir, base } = await workspace({});
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ tokens: { staff: 12345678 } }));
    const r = await exec({ ...base, tokens: join(dir, 'bad.json') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tokens: .*tokens\.staff/);
    expect(r.stderr).not.toContain('12345678');
  });

  it('rejects an unknown key in a config file', async () => {
    const { dir, base } = await workspace({});
    await writeFile(join(dir, 'c.json'), JSON.stringify({ speed: 3 }));
    const r = await exec({ ...base, config: join(dir, 'c.json') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config: unknown option "speed"/);
  });

  it('through the command line: an unknown flag and a bad value both exit 2', async () => {
    expect(await main(['node', 'verifier', 'run', '--no-such-flag'])).toBe(2);
    expect(await main(['node', 'verifier', 'run', '--base-url', 'http://x', '--tokens', '/nope.json'])).toBe(
      2,
    );
  });
});

describe('running', () => {
  it('exits 0 when every doc passes and writes JSON and JUnit reports and state', async () => {
    const { dir, base } = await workspace({
      'clients/a.md': getDoc('clients', '/a'),
      'sales/b.md': getDoc('sales', '/b'),
    });
    const json = join(dir, 'out', 'report.json');
    const junit = join(dir, 'out', 'report.xml');
    const r = await exec({ ...base, report: [`json=${json}`, `junit=${junit}`] });
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      summary: { total: number; pass: number };
      docs: { doc: string }[];
    };
    expect(report.summary).toMatchObject({ total: 2, pass: 2 });
    expect(report.docs.map((d) => d.doc).sort()).toEqual(['clients/a.md', 'sales/b.md']);
    expect(await readFile(junit, 'utf8')).toContain('<testsuite');
    expect((await readdir(base.state)).length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/2 pass/);
  });

  it('exits 1 when a doc fails', async () => {
    api.handler = (q) => (q.path.endsWith('/b') ? { status: 500 } : undefined);
    const { base } = await workspace({
      'clients/a.md': getDoc('clients', '/a'),
      'sales/b.md': getDoc('sales', '/b'),
    });
    expect((await exec(base)).code).toBe(1);
  });

  it('takes options from --config, relative to the file, and lets flags win', async () => {
    const { dir } = await workspace({
      'clients/a.md': getDoc('clients', '/a'),
      'sales/b.md': getDoc('sales', '/b'),
    });
    await writeFile(
      join(dir, 'verifier.json'),
      JSON.stringify({
        docs: 'docs',
        tokens: 'tokens.json',
        'base-url': `${api.url}/apigw`,
        domain: ['sales'],
        rps: 0,
        state: 'state',
      }),
    );
    const fromFile = await exec({ config: join(dir, 'verifier.json') });
    expect(fromFile.code).toBe(0);
    expect(api.received.map((q) => q.path)).toEqual(['/apigw/b']);
    api.received.length = 0;
    const flagged = await exec({
      config: join(dir, 'verifier.json'),
      domain: ['clients'],
      baseUrl: `${api.url}/other`,
    });
    expect(flagged.code).toBe(0);
    expect(api.received.map((q) => q.path)).toEqual(['/other/a']);
  });

  it('finds file_fields in <docs>/../test-files by default, or in --test-files', async () => {
    const upload = doc({
      test: [
        '  - id: up',
        '    method: POST',
        '    path: "/up"',
        '    content_type: multipart',
        '    file_fields: [ { field_name: "f", file_path: "sample.pdf" } ]',
      ].join('\n'),
    });
    const { dir, base } = await workspace({ 'clients/up.md': upload });
    await mkdir(join(dir, 'test-files'));
    await writeFile(join(dir, 'test-files', 'sample.pdf'), '%PDF-default');
    await mkdir(join(dir, 'other'));
    await writeFile(join(dir, 'other', 'sample.pdf'), '%PDF-flag');
    expect((await exec(base)).code).toBe(0);
    expect((await exec({ ...base, testFiles: join(dir, 'other') })).code).toBe(0);
    expect(api.received.map((q) => /%PDF-\w+/.exec(q.body)?.[0])).toEqual(['%PDF-default', '%PDF-flag']);
  });

  it('honours --doc, --include and --allow-delete', async () => {
    const { base } = await workspace({
      'clients/a.md': getDoc('clients', '/a'),
      'clients/p.md': getDoc('clients', '/p').replace('status: verified', 'status: pending'),
      'clients/d.md': doc({ test: '  - id: d\n    method: DELETE\n    path: "/d"' }),
    });
    await exec({ ...base, doc: ['clients/[pd].md'] });
    expect(api.received).toHaveLength(0);
    await exec({ ...base, doc: ['clients/[pd].md'], include: ['pending'], allowDelete: true });
    expect(api.received.map((q) => `${q.method} ${q.path}`).sort()).toEqual([
      'DELETE /apigw/d',
      'GET /apigw/p',
    ]);
  });
});
