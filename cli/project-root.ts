// The project root: every cli/*.ts module and its bundled chunk (dist/*.mjs) sit one folder below it.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
