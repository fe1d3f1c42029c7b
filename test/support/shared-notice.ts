// Prints one notice per `vitest run` when ../shared is absent, so skipped corpus tests are visible.
// VERIFIER_REQUIRE_SHARED=1 (CI's main suites) turns its absence into a failed run instead.
import { hasShared, SHARED_DIR } from './shared.js';

export default function setup(): void {
  if (hasShared()) return;
  if (process.env.VERIFIER_REQUIRE_SHARED === '1') {
    throw new Error(`VERIFIER_REQUIRE_SHARED=1 but ${SHARED_DIR}/corpus is missing`);
  }
  process.stdout.write(
    `\nnotice: ${SHARED_DIR} is absent (it is for contributors: the real docs corpus). ` +
      'The tests that read it are skipped; their checks on seeds/ still run.\n\n',
  );
}
