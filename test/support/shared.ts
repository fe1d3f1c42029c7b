// `../shared` beside the clone holds the real docs corpus (119 docs) and the format's source. Contributors
// and CI have it; a user's fresh clone does not. Tests that read it skip when it is absent (one notice per
// run, printed by test/support/shared-notice.ts); their checks that matter without it also run on seeds/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shipped docs. */
export const SEEDS_DIR = join(REPO_ROOT, 'seeds');
/** `../shared`, beside the repository. */
export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');
/** The real docs corpus, read in place. */
export const SHARED_CORPUS = join(SHARED_DIR, 'corpus');

/** True when ../shared (with its corpus) is beside the repository. */
export function hasShared(): boolean {
  return existsSync(SHARED_CORPUS);
}
