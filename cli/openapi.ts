// `--openapi DIR` for `run` and `lint`: loads every spec under DIR (nothing fetched; remote `$ref`s read
// through `--openapi-ref-map URL=DIR`) and indexes their operations. A spec that does not load and an
// unmapped remote `$ref` are each reported once, naming the file; the other specs are still used.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSpecs, parseRefMapping, type RefMapping } from '../lambda/adapters/openapi/load-specs.js';
import { indexOperations, type OperationIndex } from '../lambda/engine/promises/operations.js';
import { UsageError } from './usage-error.js';

/** `URL=DIR` texts, DIR relative to `base`; a bad one is a usage error naming the flag. */
export function refMappings(texts: readonly string[], base: string): RefMapping[] {
  return texts.map((t) => {
    try {
      const m = parseRefMapping(t, '');
      return { prefix: m.prefix, dir: resolve(base, m.dir) };
    } catch (err) {
      throw new UsageError(`--openapi-ref-map: ${(err as Error).message}`);
    }
  });
}

/** Checks the specs root is a folder (before anything starts). */
export function checkOpenapiDir(dir: string): void {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new UsageError(`--openapi: folder not found: ${dir}`);
  if (!info.isDirectory()) throw new UsageError(`--openapi: ${dir} is a file; expected the folder of specs`);
}

/** The operations of every spec under `dir`; `warn` hears each problem once. */
export async function loadOperationIndex(
  dir: string,
  refMap: readonly RefMapping[],
  warn: (message: string) => void,
): Promise<OperationIndex> {
  const load = await loadSpecs(dir, refMap);
  for (const p of load.problems) warn(`warning: --openapi: ${p.file}: not loaded: ${p.message}`);
  const seen = new Set<string>();
  for (const u of load.unmapped) {
    if (seen.has(u.file)) continue;
    seen.add(u.file);
    const urls = load.unmapped.filter((x) => x.file === u.file).map((x) => x.url);
    warn(
      `warning: --openapi: ${u.file}: ${urls.length} remote $ref${urls.length === 1 ? '' : 's'} with no local mapping (${urls.slice(0, 3).join(', ')}${urls.length > 3 ? ', …' : ''}); the schemas using ${urls.length === 1 ? 'it' : 'them'} are not checked: add --openapi-ref-map URL=DIR`,
    );
  }
  for (const s of load.specs.filter((x) => x.assumedVersion))
    warn(`warning: --openapi: ${s.file}: no version field; read as ${s.version} from its shape`);
  return indexOperations(load.specs);
}
