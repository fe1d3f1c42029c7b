// The `--openapi DIR` and `--openapi-ref-map URL=DIR` checks every `run` makes before it starts.
// Apart from cli/openapi.ts (which loads the specs) so that they load neither json-schema-ref-parser, Ajv nor
// js-yaml: a plain run never needs them.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseRefMapping, type RefMapping } from '../lambda/adapters/openapi/ref-map.js';
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
