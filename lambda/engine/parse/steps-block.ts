// The YAML block that holds a section's steps: found by yaml-fence.ts, handed on by sections.ts.
export interface StepsBlock {
  readonly source: string;
  /** File line of the block's first content line (the line after the opening fence). */
  readonly firstLine: number;
}
