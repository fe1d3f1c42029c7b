// The CDK app as `cdk synth` runs it, in a child process: bad settings stop it with exit 1 and one
// line per problem (no stack trace); a good two-target synth with cdk-nag prints nothing under -q.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/constructs/node-function.js';

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'cdk-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bin/app.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
async function app(context: Record<string, string>) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
        CDK_OUTDIR: mkdtempSync(path.join(dir, 'out-')),
      },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cdk app settings', () => {
  it('refuses bad values with one line each and exit 1, no stack trace', async () => {
    const rules = path.join(dir, 'rules.json');
    writeFileSync(rules, '{ not json');
    const r = await app({
      baseUrl: 'notaurl',
      concurrency: 'abc',
      schedule: 'every-hour',
      conditionRulesFile: rules,
      docsPath: path.join(dir, 'missing-docs'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'Cannot synthesize the verifier stack:',
      '  baseUrl: received "notaurl", expected an https:// URL',
      '  schedule: received "every-hour", expected rate(N minutes|hours|days), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)',
      '  concurrency: received "abc", expected a whole number ≥ 1',
      `  docsPath: received "${path.join(dir, 'missing-docs')}", expected a folder of workflow docs that exists`,
      expect.stringMatching(new RegExp(`^  conditionRulesFile: "${rules}" is not JSON \\(`)),
      '',
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('without a target there is no synth, unless example=true', async () => {
    const r = await app({});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('baseUrl: received nothing, expected the https:// URL of the API to verify');
    expect((await app({ example: 'true' })).code).toBe(0);
  }, 120_000);
});

describe('npx cdk synth -q', () => {
  it('synthesizes two targets with cdk-nag and prints nothing (no bundling output, no flags notice)', async () => {
    const targets = path.join(dir, 'targets.json');
    writeFileSync(
      targets,
      JSON.stringify([
        { name: 'staging', baseUrl: 'https://staging.example.com/apigw' },
        { name: 'prod', baseUrl: 'https://api.example.com/apigw', rps: 20 },
      ]),
    );
    const { stdout, stderr } = await exec(
      'npx',
      ['cdk', 'synth', '-q', '-c', `targetsFile=${targets}`, '-o', path.join(dir, 'cdk.out')],
      { cwd: REPO_ROOT, env: { ...process.env, CI: 'true' }, maxBuffer: 10 * 1024 * 1024 },
    );
    expect(stderr).toBe('');
    expect(stdout).toBe('');
  }, 300_000);
});
