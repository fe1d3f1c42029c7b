// `verifier sandbox` as a child process: prints its URLs and a tokens file, serves, stops on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

function waitFor(output: () => string, pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const m = pattern.exec(output());
      if (m) return resolve(m);
      if (Date.now() - started > ms) return reject(new Error(`no ${pattern} in output:\n${output()}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('verifier sandbox', () => {
  it('serves the API, writes an owner-only tokens file, never prints a token, and exits 0 on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-sandbox-'));
    const tokensPath = join(dir, 'tokens.json');
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/verifier.ts', 'sandbox', '--seed', '5', '--tokens-out', tokensPath],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += String(d);
    });
    proc.stderr?.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

    const fallback = (await waitFor(() => out, /fallback URL\s+(\S+)/))[1];
    await waitFor(() => out, /tokens file\s+\S+/);
    const tokens = JSON.parse(await readFile(tokensPath, 'utf8'));
    expect((await stat(tokensPath)).mode & 0o777).toBe(0o600);
    const res = await fetch(`${fallback}/platform/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.tokens.staff}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: { client_id: tokens.params.client_id, text: 'by hand' } }),
    });
    expect(res.status).toBe(201);
    for (const token of Object.values<string>(tokens.tokens)) expect(out).not.toContain(token);

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('sandbox stopped');
  });

  it('the `node dist/verifier.mjs run` command it prints works by hand against it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-sandbox-'));
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/verifier.ts', 'sandbox'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += String(d);
    });
    // `node dist/verifier.mjs run …`: works as printed, without `npm link`.
    const printed = (await waitFor(() => out, /try:\n {2}node dist\/verifier\.mjs run (.*)\\\n\s+(.*)\n/))
      .slice(1)
      .join(' ')
      .split(/\s+/)
      .filter(Boolean);
    const run = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/verifier.ts', 'run', ...printed, '--rps', '0', '--state', join(dir, 'state')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let runOut = '';
    run.stdout.on('data', (d) => {
      runOut += String(d);
    });
    run.stderr.on('data', (d) => {
      runOut += String(d);
    });
    const code = await new Promise<number | null>((resolve) => run.on('close', (c) => resolve(c)));
    expect(code, runOut).toBe(0);
    expect(runOut).toMatch(/finished.*: \d+ pass, 0 fail, 0 error, 0 blocked, 0 invalid, 2 skip$/m);
    proc.kill('SIGTERM');
  });

  it('rejects a bad --port with a usage error (exit 2)', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/verifier.ts', 'sandbox', '--port', 'abc'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let err = '';
    proc.stderr?.on('data', (d) => {
      err += String(d);
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('--port must be an integer');
  });
});
