// What reading a YAML block yields, whichever library read it (yaml-source.ts, yaml-library.ts).
import type { Pointer } from './templates.js';

export interface YamlIssue {
  readonly line: number;
  readonly code: 'yaml-syntax' | 'yaml-bomb';
  readonly message: string;
}

export interface ParsedYaml {
  /** Plain JS value (undefined when the source could not be read). */
  readonly value: unknown;
  readonly issues: readonly YamlIssue[];
  /**
   * File line of the key (in a map) or item (in a sequence) at `at`, as the yaml library places it;
   * undefined when the path is not in the document.
   */
  lineAt(at: Pointer): number | undefined;
  /** File lines of every key and item under `at`, keyed by the JSON of the path below `at`. */
  linesUnder(at: Pointer): Map<string, number>;
}
