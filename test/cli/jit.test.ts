// The CLI's V8 tier-up tuning: the flag only for V8 11 (Node 20), and accepted by the V8 it is given to.
// V8 prints "Error: unrecognized flag" on stderr for a flag it does not know (Node 22 does for
// --interrupt-budget), so a clean stderr on the Node running the suite (CI runs 20 and 22) shows the
// gate and the flag's spelling both hold.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jitFlagFor, SHORT_RUN_INTERRUPT_BUDGET } from '../../cli/jit.js';
import { REPO, runCli } from '../reliability/cli-child.js';

const run = promisify(execFile);

describe('jitFlagFor', () => {
  it('raises the interrupt budget on V8 11 (Node 20) and leaves V8 12+ (Node 22, 24) alone', () => {
    expect(jitFlagFor('11.3.244.8-node.19')).toBe(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`);
    expect(jitFlagFor('12.4.254.21-node.33')).toBeUndefined();
    expect(jitFlagFor('13.6.233.10-node.20')).toBeUndefined();
    expect(jitFlagFor('10.2.154.26-node.22')).toBeUndefined();
  });
});

describe('on the Node running the suite', () => {
  it('the flag is one this V8 accepts: setting it prints nothing', async () => {
    const script = [
      "const { tuneJitForShortRun, jitFlagFor } = await import('./cli/jit.ts');",
      'tuneJitForShortRun();',
      'console.log(jitFlagFor(process.versions.v8) ?? "none");',
    ].join('\n');
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: REPO,
      },
    );
    expect(stderr).toBe('');
    const major = Number.parseInt(process.versions.v8, 10);
    expect(stdout.trim()).toBe(major === 11 ? `--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}` : 'none');
  });

  it('the CLI entry starts with a clean stderr', async () => {
    const out = await runCli(['--help']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^Usage: verifier /);
  });
});
