// Docs deleted or renamed: a full run lists every doc, so a doc with a state that the listing no
// longer holds is gone, and its state is marked removed (it leaves the doc listings and the status
// page). A filtered run sees only part of the docs and never marks anything removed.
import type { StateStore } from '../ports.js';
import type { DocFilters } from '../target.js';

/** No selection by domain, tag or doc glob (`include` only adds statuses: every doc is still listed). */
export const isFullRun = (filters: DocFilters | undefined): boolean =>
  !filters?.domains?.length && !filters?.tags?.length && !filters?.docs?.length;

/** Marks removed the docs with a state that a full run's listing no longer holds; returns them. */
export async function markRemovedDocs(
  store: Pick<StateStore, 'markRemovedDocs'>,
  filters: DocFilters | undefined,
  listed: readonly string[],
  runId: string,
  at: string,
): Promise<readonly string[]> {
  if (!isFullRun(filters)) return [];
  return store.markRemovedDocs(listed, runId, at);
}
