// `--openapi DIR` for `run` and `lint`: loads every spec under DIR (nothing fetched; remote `$ref`s read
// through `--openapi-ref-map URL=DIR`) and indexes their operations. A spec that does not load and an
// unmapped remote `$ref` are each reported once, naming the file; the other specs are still used.
import { loadSpecs, type RefMapping } from '../lambda/adapters/openapi/load-specs.js';
import { indexOperations, type OperationIndex } from '../lambda/engine/promises/operations.js';

export { checkOpenapiDir, refMappings } from './openapi-flags.js';

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
