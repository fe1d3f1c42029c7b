// The CLI's V8 tier-up tuning: the flag only for V8 11 (Node 20), only when the bin entry asked for it,
// and accepted by the V8 it is given to. V8 prints "Error: unrecognized flag" on stderr for a flag it
// does not know (Node 22 does for --interrupt-budget), so a clean stderr on the Node running the suite
// (CI runs 20 and 22) shows the gate and the flag's spelling both hold.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jitFlagFor, SHORT_RUN_INTERRUPT_BUDGET, tuneJitForShortRun } from '../../cli/jit.js';
import { doc, tempDir, useApi } from '../engine/run-harness.js';
import { REPO, runCli } from '../reliability/cli-child.js';

const run = promisify(execFile);
const api = useApi();
const expectedFlag = () =>
  Number.parseInt(process.versions.v8, 10) === 11
    ? `--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`
    : 'none';

describe('jitFlagFor', () => {
  it('raises the interrupt budget on V8 11 (Node 20) and leaves V8 12+ (Node 22, 24) alone', () => {
    expect(jitFlagFor('11.3.244.8-node.19')).toBe(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`);
    expect(jitFlagFor('12.4.254.21-node.33')).toBeUndefined();
    expect(jitFlagFor('13.6.233.10-node.20')).toBeUndefined();
    expect(jitFlagFor('10.2.154.26-node.22')).toBeUndefined();
  });

  it('leaves V8 alone unless the bin entry asked: main called in-process (as tests do) never tunes', () => {
    expect(tuneJitForShortRun()).toBeUndefined();
  });
});

describe('on the Node running the suite', () => {
  it('the flag is one this V8 accepts: setting it prints nothing', async () => {
    const script = [
      "const { tuneJitForShortRun, wantJitTuning } = await import('./cli/jit.ts');",
      'wantJitTuning();',
      'console.log(tuneJitForShortRun() ?? "none");',
      // Once per process: a second call sets nothing.
      'console.log(tuneJitForShortRun() ?? "none");',
    ].join('\n');
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: REPO },
    );
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual([expectedFlag(), 'none']);
  });

  it('a `verifier run` (which tunes V8 before it runs) passes its doc with a clean stderr', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'docs', 'c'), { recursive: true });
    await writeFile(
      join(dir, 'docs', 'c', 'ping.md'),
      doc({ test: '  - id: s\n    method: GET\n    path: "/ping"' }),
    );
    await writeFile(
      join(dir, 'tokens.json'),
      JSON.stringify({ tokens: { staff: 'jit-staff-token' }, params: {} }),
    );
    const out = await runCli([
      'run',
      ...['--docs', join(dir, 'docs'), '--tokens', join(dir, 'tokens.json'), '--state', join(dir, 'state')],
      ...['--base-url', `${api.url}/apigw`, '--rps', '0'],
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/1 pass/);
  });
});
