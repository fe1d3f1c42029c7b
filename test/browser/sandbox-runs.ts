// Real runs for the page tests: the shipped seeds plus one doc the sandbox answers 404 (a real failing
// doc), run with the CLI's own `executeRun` against the in-process sandbox, with the local state store.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { executeRun, type RunCliOptions } from '../../cli/run.js';
import { writeTokensFile } from '../../cli/sandbox.js';
import { AUTH_DRIFT, createSandbox, type Sandbox } from '../../sandbox/server.js';

const SEEDS = join(import.meta.dirname, '../../seeds');

export const BROKEN_DOC = 'clients/get_platform_v1_clients_archive.md';
export const BROKEN = `---
endpoint: "GET /platform/v1/clients/archive"
domain: clients
tags: [clients, archive]
status: verified
---

# List archived clients

## Known Issues

The archive endpoint was removed in the 2026 API; expect 404 until it is restored.

## Test Request

\`\`\`yaml
steps:
  - id: list_archive
    method: GET
    path: "/platform/v1/clients/archive"
    expect:
      status: [200]
\`\`\`
`;

export interface SandboxRuns {
  readonly dir: string;
  readonly docs: string;
  readonly state: string;
  readonly sandbox: Sandbox;
  /** Runs every doc once; returns the exit code and the console output. */
  run(extra?: Partial<RunCliOptions>): Promise<{ code: number; output: string }>;
  close(): Promise<void>;
}

/** `authDrift`: the sandbox lets in the app token on GET /platform/v1/conversations (`--scenario auth-drift`). */
export async function sandboxRuns(options: { authDrift?: boolean } = {}): Promise<SandboxRuns> {
  const dir = await mkdtemp(join(tmpdir(), 'page-runs-'));
  const docs = join(dir, 'docs');
  await cp(SEEDS, docs, { recursive: true });
  await writeFile(join(docs, BROKEN_DOC), BROKEN);
  const sandbox = await createSandbox({ seed: 1, ...(options.authDrift ? { authDrift: AUTH_DRIFT } : {}) });
  const tokens = await writeTokensFile(sandbox);
  const state = join(dir, 'state');
  return {
    dir,
    docs,
    state,
    sandbox,
    async run(extra = {}) {
      const out = new PassThrough();
      let output = '';
      out.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const code = await executeRun(
        {
          docs,
          baseUrl: sandbox.baseUrl,
          fallbackUrl: sandbox.fallbackUrl,
          partnersUrl: sandbox.partnersUrl,
          tokens,
          testFiles: join(docs, 'test-files'),
          state,
          rps: 0,
          allowDelete: true,
          ...extra,
        },
        { stdout: out, stderr: out, isTTY: false },
      );
      return { code, output };
    },
    async close() {
      await sandbox.close();
      await rm(dirname(tokens), { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
