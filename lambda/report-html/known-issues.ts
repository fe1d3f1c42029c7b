// A doc's `## Known Issues` prose for the pages' detail view: read and parsed from the doc source only
// for the docs a page explains (those that did not pass), never for every doc.
import { parseDoc } from '../engine/parse/parse-doc.js';
import type { DocSource } from '../engine/ports.js';

export type KnownIssuesLookup = (doc: string) => Promise<string | undefined>;

export function knownIssuesFrom(source: Pick<DocSource, 'read'>): KnownIssuesLookup {
  return async (doc) => {
    try {
      return parseDoc(doc, await source.read(doc)).doc?.knownIssues;
    } catch {
      // A doc removed or unreadable since the run: the page simply has no Known Issues for it.
      return undefined;
    }
  };
}

/** Looks up every doc in `docs` (a few at a time) and returns the ones that have Known Issues. */
export async function collectKnownIssues(
  lookup: KnownIssuesLookup | undefined,
  docs: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!lookup) return found;
  for (let i = 0; i < docs.length; i += 8) {
    const batch = docs.slice(i, i + 8);
    const texts = await Promise.all(batch.map(lookup));
    batch.forEach((d, j) => {
      const t = texts[j];
      if (t) found.set(d, t);
    });
  }
  return found;
}
