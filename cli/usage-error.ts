// The one error every command turns into exit 2: a usage or I/O problem the user can fix. Its message
// names the flag or the file, what was received and what is expected; no stack trace is printed.
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes, as `--help` lists them. */
export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 70, interrupted: 130 } as const;
