// Shapes shared by the spec loader (adapter) and the contract check (engine).

export type SpecVersion = '2.0' | '3.0' | '3.1';

export interface LoadedSpec {
  /** Path under the specs root, `/` separators: what reports and messages name. */
  readonly file: string;
  readonly version: SpecVersion;
  /** The file declared no version; it was read as `version` from its shape. */
  readonly assumedVersion: boolean;
  /** The description with every `$ref` internal (`#/...`), as bundled by the loader. */
  readonly api: Readonly<Record<string, unknown>>;
}

/** Put where a remote `$ref` had no local mapping: schemas that reach it are not checked. */
export const UNMAPPED_MARKER = 'x-verifier-unmapped-ref';

/** One response check, as the JSON report carries it on the doc's entry. */
export interface ContractCheck {
  readonly step: string;
  /** `METHOD /template` as the spec writes it. */
  readonly operation: string;
  readonly spec: string;
  readonly valid: boolean;
  readonly findings: readonly ContractFinding[];
}

export interface ContractFinding {
  /** JSON pointer into the response body (`` for the root). */
  readonly pointer: string;
  readonly message: string;
}

/** Counts for the report's top level: how many steps matched, had a schema, were valid. */
export interface ContractTotals {
  matched: number;
  withSchema: number;
  valid: number;
}
