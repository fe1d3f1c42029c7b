// On Node 22.1+ the CLI keeps its compiled code in the OS temp folder between starts (bin/verifier.ts).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../support/cli-child.js';
import { cleanTempDirs, tempDir } from '../support/run-harness.js';

afterAll(cleanTempDirs);

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const hasCompileCache = major > 22 || (major === 22 && minor >= 1);
if (!hasCompileCache)
  console.warn(`notice: Node ${process.versions.node} has no compile cache; its CLI test is skipped`);

it.skipIf(!hasCompileCache)(
  'stores the compiled CLI under the temp folder, and a second start uses it',
  async () => {
    const tmp = await tempDir();
    const env = { TMPDIR: tmp, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' };
    const first = await runCli(['--version'], { env });
    expect(first.code).toBe(0);
    const [version] = await readdir(join(tmp, 'node-compile-cache'));
    expect((await readdir(join(tmp, 'node-compile-cache', version as string))).length).toBeGreaterThan(0);
    const second = await runCli(['--version'], { env });
    expect(second.stdout).toMatch(/^\d+\.\d+\.\d+/m);
    expect(second.stderr).toMatch(/cache for .* was accepted/);
  },
);
