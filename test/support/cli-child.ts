// The `verifier` CLI as a child process, from the sources (tsx), so a test never races a build of dist/.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface CliChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function spawnCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CliChild {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/verifier.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

export const runCli = (args: readonly string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }) =>
  spawnCli(args, options).done;
