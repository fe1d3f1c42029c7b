// TestFiles on the local file system: `file_path` values resolved against one folder, never outside it.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { TestFiles } from '../../engine/ports.js';

export class TestFilesError extends Error {
  override readonly name = 'TestFilesError';
}

export function createLocalTestFiles(dir: string): TestFiles {
  const base = resolve(dir);
  return {
    async read(filePath) {
      const p = resolve(base, filePath);
      if (!p.startsWith(base + sep)) {
        throw new TestFilesError(`file_path "${filePath}" resolves outside the test-files folder ${base}`);
      }
      try {
        return new Uint8Array(await readFile(p));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new TestFilesError(
          code === 'ENOENT'
            ? `not found in the test-files folder ${base}`
            : `cannot read ${p}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    },
  };
}
