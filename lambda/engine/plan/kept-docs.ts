// The planner reads every doc; when the run then stays in this Lambda, the runner reads them again.
// This keeps the planner's reads (within a budget) for the runner's one read of each doc.
import type { DocSource } from '../ports.js';

export const KEPT_CHARS = 4 * 1024 * 1024;

export function keepReads(source: DocSource, budgetChars = KEPT_CHARS): DocSource {
  let listed: Promise<readonly string[]> | undefined;
  const kept = new Map<string, string>();
  const reads = new Map<string, number>();
  let used = 0;
  return {
    list: () => {
      listed ??= source.list();
      return listed;
    },
    async read(id) {
      const hit = kept.get(id);
      if (hit !== undefined) {
        // The second read is the runner's: the text is not needed after it.
        kept.delete(id);
        used -= hit.length;
        return hit;
      }
      const text = await source.read(id);
      const n = (reads.get(id) ?? 0) + 1;
      reads.set(id, n);
      if (n === 1 && used + text.length <= budgetChars) {
        kept.set(id, text);
        used += text.length;
      }
      return text;
    },
  };
}
