// `--openapi-ref-map URL=DIR`: a URL prefix read from a local folder. Apart from load-specs.ts so that
// checking the flag (every `run` does, cli/run-config.ts) does not load json-schema-ref-parser, Ajv
// and js-yaml.
import { join } from 'node:path';

export interface RefMapping {
  /** URL prefix, e.g. `https://vcita.github.io/developers-hub/`. */
  readonly prefix: string;
  /** Local folder that prefix maps to. */
  readonly dir: string;
}

/** `URL=DIR`, DIR relative to `base`. */
export function parseRefMapping(text: string, base: string): RefMapping {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1)
    throw new Error(
      `expected URL=DIR, e.g. https://example.github.io/hub/=./specs; got ${JSON.stringify(text)}`,
    );
  return { prefix: text.slice(0, at), dir: join(base, text.slice(at + 1)) };
}
