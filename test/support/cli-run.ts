// `verifier run` in-process for CLI tests: a workspace on disk (docs/, tokens.json, state/) aimed at a
// test API server, and executeRun with its stdout and stderr captured.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { executeRun, type RunCliOptions } from '../../cli/run.js';
import { tempDir } from './run-harness.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `verifier run` with these options (not a TTY); returns its exit code and output. */
export async function execRun(
  opts: RunCliOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await executeRun(opts, { stdout: out.stream, stderr: err.stream, isTTY: false });
  return { code, stdout: out.text(), stderr: err.text() };
}

/**
 * A workspace: docs/<domain>/<name>.md from `docs`, a tokens file with one staff token and a
 * business id, and `base` options pointing a run at the API's gateway prefix, uncapped.
 */
export async function cliWorkspace(
  api: { readonly url: string },
  docs: Readonly<Record<string, string>>,
  tokens: { staff: string; businessId: string } = { staff: 'cli-staff-token', businessId: 'b-1' },
) {
  const dir = await tempDir();
  await mkdir(join(dir, 'docs'));
  for (const [id, text] of Object.entries(docs)) {
    await mkdir(join(dir, 'docs', id, '..'), { recursive: true });
    await writeFile(join(dir, 'docs', id), text);
  }
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(
    tokensFile,
    JSON.stringify({ tokens: { staff: tokens.staff }, params: { business_id: tokens.businessId } }),
  );
  const base = {
    docs: join(dir, 'docs'),
    tokens: tokensFile,
    state: join(dir, 'state'),
    baseUrl: `${api.url}/apigw`,
    rps: '0',
  };
  return { dir, base };
}

/**
 * A `--config` file (verifier.json in the workspace) holding the workspace's run options and
 * `extra` (rules, targetRules...): what a user's config file would hold. Returns its path.
 */
export async function writeRunConfig(
  dir: string,
  base: { readonly docs: string; readonly tokens: string; readonly state: string; readonly baseUrl: string },
  extra: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const config = join(dir, 'verifier.json');
  const options = {
    docs: base.docs,
    tokens: base.tokens,
    state: base.state,
    'base-url': base.baseUrl,
    rps: 0,
  };
  await writeFile(config, JSON.stringify({ ...options, ...extra }));
  return config;
}
