// Gathers calls into groups for one commit each: a group is handed over once `size` calls wait, or
// `waitMs` after the first of them, or when flushed. Writing each doc result on its own made a
// 350-doc run pay a results append, a lock file and a folder fsync per result; see state-store.ts.

export interface Gatherer<T> {
  add(item: T): void;
  /** Hands over what waits now (if anything). */
  flush(): void;
}

export function createGatherer<T>(size: number, waitMs: number, commit: (group: T[]) => void): Gatherer<T> {
  let group: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (group.length === 0) return;
    const full = group;
    group = [];
    commit(full);
  };
  return {
    add(item) {
      group.push(item);
      if (group.length >= size) flush();
      else timer ??= setTimeout(flush, waitMs);
    },
    flush,
  };
}
