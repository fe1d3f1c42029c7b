// `verifier sandbox`: the sandbox API as a standalone server, with a tokens file for `verifier run`.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.js';
import { PROJECT_ROOT } from './project-root.js';

export interface SandboxCommandOptions {
  readonly port?: number;
  readonly seed?: number;
  readonly tokensOut?: string;
  readonly spamThreshold?: number;
  readonly spamWindowMs?: number;
}

export interface SandboxIo {
  readonly stdout: (s: string) => void;
  /** Resolves when the server should stop (SIGINT/SIGTERM for the CLI). */
  readonly stopped: Promise<void>;
}

/** Writes the tokens file (owner-only: it holds live sandbox tokens) and returns its path. */
export async function writeTokensFile(sandbox: Sandbox, path?: string): Promise<string> {
  const file = path ? resolve(path) : join(await mkdtemp(join(tmpdir(), 'verifier-sandbox-')), 'tokens.json');
  await writeFile(file, `${JSON.stringify(sandbox.tokens, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** Starts the sandbox, prints how to use it (never a token), and serves until `io.stopped`. */
export async function serveSandbox(opts: SandboxCommandOptions, io: SandboxIo): Promise<number> {
  const options: SandboxOptions = {
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.spamThreshold !== undefined ? { spamThreshold: opts.spamThreshold } : {}),
    ...(opts.spamWindowMs !== undefined ? { spamWindowMs: opts.spamWindowMs } : {}),
  };
  const sandbox = await createSandbox(options);
  const seeds = join(PROJECT_ROOT, 'seeds');
  try {
    const tokensFile = await writeTokensFile(sandbox, opts.tokensOut);
    io.stdout(
      [
        `sandbox listening on ${sandbox.url}`,
        `  base URL      ${sandbox.baseUrl}`,
        `  fallback URL  ${sandbox.fallbackUrl}`,
        `  partners URL  ${sandbox.partnersUrl}`,
        `  admin routes  ${sandbox.url}/admin/v1/businesses/{id}/(flag|unflag|block|unblock|verify), POST ${sandbox.url}/admin/v1/businesses`,
        `  business      ${sandbox.businessId}`,
        `tokens file     ${tokensFile}`,
        '',
        'try:',
        `  ${tryCommand()} run --docs ${shown(seeds)} --base-url ${sandbox.baseUrl} --fallback-url ${sandbox.fallbackUrl} \\`,
        `    --partners-url ${sandbox.partnersUrl} --tokens ${tokensFile} --test-files ${shown(join(seeds, 'test-files'))} --allow-delete`,
        '',
        'Ctrl-C stops the sandbox.',
        '',
      ].join('\n'),
    );
    await io.stopped;
    io.stdout('sandbox stopped\n');
    return 0;
  } finally {
    await sandbox.close();
  }
}

/** A path as short as it can be from the cwd (relative inside it, absolute outside). */
const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
};

/** The command that runs this CLI from the cwd without `npm link`: node and the bundled entry. */
const tryCommand = (): string => `node ${shown(join(PROJECT_ROOT, 'dist', 'verifier.mjs'))}`;

/** Resolves on the first SIGINT or SIGTERM, and removes its listeners. */
export function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
