// `verifier` as a child process against real local servers: version and help, colours, usage and I/O
// errors found before anything starts, Ctrl-C, --bail, --verbose, failure history.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli-child.js';
import { cleanTempDirs, doc, tempDir } from '../support/run-harness.js';

/** Answers 200 after `delayMs`, or 500 for paths with /bad; counts requests. */
let server: Server;
let url: string;
let delayMs = 0;
const paths: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    setTimeout(() => {
      const bad = (req.url ?? '').includes('/bad');
      res.writeHead(bad ? 500 : 200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ status: bad ? 'Error' : 'OK', data: { who: req.headers.authorization } }));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await cleanTempDirs();
});

const TOKEN = 'proc-staff-TOKEN-9f3k2m';
const getDoc = (path: string) =>
  doc({
    front: `endpoint: "GET ${path}"\ndomain: clients\nstatus: verified`,
    test: `  - id: s\n    method: GET\n    path: "${path}"`,
  });

async function workspace(paths: readonly string[]) {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs', 'clients'), { recursive: true });
  for (const p of paths)
    await writeFile(join(dir, 'docs', 'clients', `${p.replace(/\W/g, '')}.md`), getDoc(p));
  await writeFile(
    join(dir, 'tokens.json'),
    JSON.stringify({ tokens: { staff: TOKEN }, params: { business_id: 'b' } }),
  );
  const args = ['run', '--docs', join(dir, 'docs'), '--tokens', join(dir, 'tokens.json')];
  args.push('--state', join(dir, 'state'), '--base-url', `${url}/apigw`, '--rps', '0');
  return { dir, args };
}

describe('version, help, colours', () => {
  it('--version and -V print the package version; --help lists examples, exit codes and the format doc', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/130 +interrupted/);
    expect(help.stdout).toMatch(/docs\/format\.md/);
    expect((await runCli(['run', '--help'])).stdout).toMatch(/--bail[\s\S]*--verbose[\s\S]*Exit codes/);
  });

  it('FORCE_COLOR colours a pipe; NO_COLOR and a plain pipe do not', async () => {
    const { args } = await workspace(['/a']);
    const forced = await runCli(args, { env: { FORCE_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('\x1b[32mPASS');
    const none = await runCli(args, { env: { NO_COLOR: '1' } });
    expect(none.stdout).not.toContain('\x1b[');
    expect(none.stdout).toMatch(/PASS/);
  });
});

describe('usage and I/O errors: exit 2, the flag or file named, no stack, nothing sent', () => {
  it.each<[string, (dir: string) => Promise<string[]>, RegExp]>([
    [
      'a report path under a file',
      async (dir) => {
        await writeFile(join(dir, 'afile'), 'x');
        return ['--report', `json=${join(dir, 'afile', 'r.json')}`];
      },
      /^verifier run: --report json=.*afile\/r\.json: .*afile is a file; expected a folder for the report/,
    ],
    [
      'a state path that is a file',
      async (dir) => {
        await writeFile(join(dir, 'statefile'), 'x');
        return ['--state', join(dir, 'statefile')];
      },
      /^verifier run: --state: .*statefile is a file; expected a folder/,
    ],
    [
      'a docs path that is not a doc or a folder',
      async (dir) => {
        await writeFile(join(dir, 'notes.txt'), 'x');
        return ['--docs', join(dir, 'notes.txt')];
      },
      /^verifier run: --docs: .*notes\.txt is a file; expected a folder of \*\.md docs or one \*\.md doc/,
    ],
    [
      'a config file whose value is wrong',
      async (dir) => {
        await writeFile(join(dir, 'verifier.json'), JSON.stringify({ concurrency: 'four' }));
        return ['--config', join(dir, 'verifier.json')];
      },
      /^verifier run: --config .*verifier\.json: "concurrency": expected a whole number/,
    ],
  ])('%s', async (_, extra, message) => {
    const { dir, args } = await workspace(['/a']);
    const before = paths.length;
    const r = await runCli([...args, ...(await extra(dir))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(paths.length).toBe(before);
  });

  it('lint on an empty folder exits 2 naming --allow-empty; with it, 0', async () => {
    const empty = await tempDir();
    const r = await runCli(['lint', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^verifier lint: no docs found in .*; pass the folder of \*\.md docs, or --allow-empty/,
    );
    expect((await runCli(['lint', empty, '--allow-empty'])).code).toBe(0);
  });

  it('run --domain that matches no doc exits 2 naming the filter and its count; --allow-empty exits 0', async () => {
    const { args } = await workspace(['/a']);
    const before = paths.length;
    const r = await runCli([...args, '--domain', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^verifier run: no docs selected: --domain nope matched 0 of the 1 doc in .*--allow-empty/,
    );
    expect((await runCli([...args, '--domain', 'nope', '--allow-empty'])).code).toBe(0);
    expect(paths.length).toBe(before);
  });

  it('--docs naming one doc file runs that doc alone', async () => {
    const { dir, args } = await workspace(['/a', '/b']);
    const r = await runCli([...args, '--docs', join(dir, 'docs', 'clients', 'a.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS +a\.md/);
    expect(r.stdout).toMatch(/finished .*: 1 pass/);
  });

  it('start --alert-webhook notaurl fails before the sandbox starts, as verifier start', async () => {
    const r = await runCli(['start', '--alert-webhook', 'notaurl', '--state', join(await tempDir(), 's')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^verifier start: --alert-webhook: expected an http\(s\) URL such as https:\/\/hooks\.example\.com\/verifier/,
    );
    expect(r.stdout).not.toMatch(/sandbox API on/);
  });
});

describe('stopping early', () => {
  /** Runs the docs one at a time with a slow target, sends `signal` once the first request is in. */
  async function stopMidRun(docPaths: readonly string[], signal: NodeJS.Signals, holdMs: number) {
    const { dir, args } = await workspace(docPaths);
    delayMs = holdMs;
    const before = paths.length;
    try {
      const cli = spawnCli([...args, '--concurrency', '1']);
      while (paths.length === before) await new Promise((r) => setTimeout(r, 20));
      cli.child.kill(signal);
      const r = await cli.done;
      const runs = await readdir(join(dir, 'state', 'runs'));
      const record = JSON.parse(
        await readFile(join(dir, 'state', 'runs', runs[0] ?? '', 'run.json'), 'utf8'),
      );
      return { r, record, requests: paths.length - before };
    } finally {
      delayMs = 0;
    }
  }

  it('Ctrl-C: no new doc starts, the one in flight finishes, the partial summary prints, the run is interrupted, exit 130', async () => {
    const { r, record, requests } = await stopMidRun(['/s1', '/s2', '/s3', '/s4'], 'SIGINT', 1500);
    expect(r.code).toBe(130);
    expect(requests).toBe(1);
    expect(r.stderr).toMatch(/interrupted: no more docs start/);
    expect(r.stdout).toMatch(/PASS +clients\/s1\.md/);
    expect(r.stdout).toMatch(
      /run \S+ was interrupted \(1 of 4 docs done; the others did not start\).*: 1 pass/,
    );
    expect(record).toMatchObject({ status: 'interrupted', summary: { total: 1, pass: 1 } });
  });

  it('SIGTERM stops the run as Ctrl-C does: interrupted, exit 130', async () => {
    const { r, record, requests } = await stopMidRun(['/t1', '/t2', '/t3'], 'SIGTERM', 1000);
    expect(r.code).toBe(130);
    expect(requests).toBe(1);
    expect(r.stdout).toMatch(/run \S+ was interrupted \(1 of 3 docs done; the others did not start\)/);
    expect(record).toMatchObject({ status: 'interrupted', summary: { total: 1, pass: 1 } });
  });

  it('a second Ctrl-C aborts the doc in flight', async () => {
    const { args } = await workspace(['/s1', '/s2']);
    delayMs = 10_000;
    const before = paths.length;
    try {
      const cli = spawnCli([...args, '--concurrency', '1', '--timeout-ms', '60000']);
      while (paths.length === before) await new Promise((r) => setTimeout(r, 20));
      const t0 = Date.now();
      cli.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      cli.child.kill('SIGINT');
      const r = await cli.done;
      expect(r.code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.stdout).toMatch(/ERROR +clients\/s1\.md/);
    } finally {
      delayMs = 0;
    }
  });

  it('--bail: no doc starts after the first that does not pass', async () => {
    const { args } = await workspace(['/bad1', '/ok2', '/ok3']);
    const before = paths.length;
    const r = await runCli([...args, '--concurrency', '1', '--bail']);
    expect(r.code).toBe(1);
    expect(paths.slice(before)).toEqual(['/apigw/bad1']);
    expect(r.stderr).toMatch(/--bail: clients\/bad1\.md ended fail; no more docs start/);
  });
});

describe('what the console tells', () => {
  it('--verbose prints each request and response, redacted', async () => {
    const { args } = await workspace(['/a']);
    const r = await runCli([...args, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`> GET ${url}/apigw/a`);
    expect(r.stderr).toMatch(/> authorization: \[REDACTED\]/i);
    expect(r.stderr).toMatch(/< 200 \(\d+ ms\)/);
    expect(r.stderr).toContain('< x-echo: yes');
    expect(r.stderr).toContain('"who":"Bearer [REDACTED]"');
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
  });

  it('says whether a failure is new or ongoing, from the state', async () => {
    const { args } = await workspace(['/bad']);
    const first = await runCli(args);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/FAIL +clients\/bad\.md .*\(new\)/);
    const second = await runCli(args);
    expect(second.stdout).toMatch(
      /FAIL +clients\/bad\.md .*\(failing since \d{4}-\d\d-\d\d \d\d:\d\d UTC, 2 runs\)/,
    );
  });
});
