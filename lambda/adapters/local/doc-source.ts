// DocSource on the local file system: every `*.md` under a docs root, as ids relative to it.
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { DocSource } from '../../engine/ports.js';

export class DocSourceError extends Error {
  override readonly name = 'DocSourceError';
}

/** Lists and reads docs under `root`; ids use `/` separators and never escape the root. */
export function createLocalDocSource(root: string): DocSource {
  const base = resolve(root);
  const pathOf = (id: string): string => {
    const p = resolve(base, ...id.split('/'));
    if (p !== base && !p.startsWith(base + sep)) {
      throw new DocSourceError(`doc id "${id}" resolves outside the docs root ${base}`);
    }
    return p;
  };
  const idOf = (e: Dirent): string => relative(base, join(e.parentPath, e.name)).split(sep).join('/');
  return {
    async list() {
      let entries: Dirent[];
      try {
        // Synchronous, like a doc's read: the listing is all a run waits for at that point, and the
        // asynchronous walk costs a thread-pool round trip per folder (a few ms more for a docs tree).
        entries = readdirSync(base, { recursive: true, withFileTypes: true });
      } catch (err) {
        throw new DocSourceError(`cannot read docs folder ${base}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      return (
        entries
          // A folder named *.md is not a doc; a symlink is listed (a dangling one then fails its read).
          .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.toLowerCase().endsWith('.md'))
          .map(idOf)
          .filter((id) => !id.split('/').some((seg) => seg === 'node_modules' || seg.startsWith('.')))
          .sort()
      );
    },
    // A doc is a small local file: a synchronous read takes microseconds, where the async one costs four
    // thread-pool round trips (and queues behind the state store's file work). Anything that is not a
    // plain file or folder (a FIFO a symlink points to) is read asynchronously, so it cannot block the run.
    read: async (id) => {
      const path = pathOf(id);
      const st = statSync(path, { throwIfNoEntry: false });
      return st && (st.isFile() || st.isDirectory()) ? readFileSync(path, 'utf8') : readFile(path, 'utf8');
    },
  };
}
