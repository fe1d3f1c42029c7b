// Which docs run (FORMAT.md §6): filters decide whether a doc is part of the run at all; the status
// policy and the delete policy decide whether a selected doc runs or is reported as skip.
import picomatch from 'picomatch';
import type { Doc, DocStatus } from '../model.js';
import type { DocFilters } from '../target.js';

export type Selection = { readonly run: true } | { readonly run: false; readonly reason: string };

/** Domain of a doc that could not be parsed: the first folder of its id. */
export const domainOfId = (id: string): string => (id.includes('/') ? (id.split('/')[0] ?? '') : '');

/** Returns a predicate telling whether a doc is in the run (domain, tag and glob filters). */
export function createFilter(
  filters: DocFilters | undefined,
): (id: string, domain: string, tags: readonly string[]) => boolean {
  const domains = filters?.domains?.length ? new Set(filters.domains) : undefined;
  const tags = filters?.tags?.length ? new Set(filters.tags) : undefined;
  const globs = filters?.docs?.length ? picomatch([...filters.docs], { dot: true }) : undefined;
  return (id, domain, docTags) =>
    (!domains || domains.has(domain)) && (!tags || docTags.some((t) => tags.has(t))) && (!globs || globs(id));
}

/** Status policy: active runs; pending/failed only when included; skipped/retired never. */
export function selectByStatus(
  status: DocStatus,
  include: readonly string[] | undefined,
  skipReason: string | undefined,
): Selection {
  switch (status) {
    case 'active':
      return { run: true };
    case 'pending':
    case 'failed':
      return include?.includes(status)
        ? { run: true }
        : { run: false, reason: `status ${status} (use --include ${status})` };
    case 'skipped':
      return { run: false, reason: skipReason ? `status skipped: ${skipReason}` : 'status skipped' };
    case 'retired':
      return { run: false, reason: skipReason ? `status deprecated: ${skipReason}` : 'status deprecated' };
  }
}

export const hasDelete = (doc: Doc): boolean =>
  [...doc.prerequisites, ...doc.test].some((s) => s.method === 'DELETE');

export function selectByDelete(doc: Doc, allowDelete: boolean): Selection {
  return !allowDelete && hasDelete(doc) ? { run: false, reason: 'deletes disabled' } : { run: true };
}
