// The CDK synth tests: template assertions, cdk-nag and the app's real two-target synth (minutes of
// CPU). They depend on neither the Node version nor ../shared, so CI runs them once, in its Node 20
// suite; VERIFIER_SKIP_SYNTH=1 (CI's Node 22 and no-shared suites) leaves them out of a run, which
// then says so in one notice. test/infra/bundle.test.ts (the Lambda bundle imported by plain Node, a
// Node-version matter) and settings.test.ts (no synth) always run.
export const SYNTH_TESTS = [
  'test/infra/app.test.ts',
  'test/infra/fan-out.test.ts',
  'test/infra/hardening.test.ts',
  'test/infra/runtime-env.test.ts',
  'test/infra/targets.test.ts',
  'test/infra/verifier-stack-props.test.ts',
  'test/infra/verifier-stack.test.ts',
];

export const skipSynth = () => process.env.VERIFIER_SKIP_SYNTH === '1';

/** vitest globalSetup: the notice. */
export default function setup(): void {
  if (!skipSynth()) return;
  process.stdout.write(
    `\nnotice: VERIFIER_SKIP_SYNTH=1: the ${SYNTH_TESTS.length} CDK synth test files (${SYNTH_TESTS.join(', ')}) ` +
      'are not run in this suite.\n\n',
  );
}
