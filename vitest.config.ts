import { configDefaults, defineConfig } from 'vitest/config';
import { SYNTH_TESTS, skipSynth } from './test/support/synth-tests.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // VERIFIER_SKIP_SYNTH=1: CI's second and third suites leave out the CDK synth tests (see the file).
    exclude: [...configDefaults.exclude, ...(skipSynth() ? SYNTH_TESTS : [])],
    globalSetup: [
      'test/support/shared-notice.ts',
      'test/support/synth-tests.ts',
      'test/support/global-setup.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
