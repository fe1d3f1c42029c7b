// Run ids, made in one place for the CLI, the scheduled Lambda and the API.

/** What a run id may look like when one is handed in (API path, invocation event). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** Sortable by time, unique enough for concurrent starts: `20260101T000000123Z-1a2b3c4d`. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}
