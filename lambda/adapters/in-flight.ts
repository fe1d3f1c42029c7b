// What a store's flush() waits for: every write it acknowledged to nobody yet (both stores).

export interface InFlight {
  /** Remembers `p` until it settles; returns it. */
  track<T>(p: Promise<T>): Promise<T>;
  /** Resolves once every tracked write has settled, those tracked meanwhile included. */
  settled(): Promise<void>;
}

export function createInFlight(): InFlight {
  const pending = new Set<Promise<unknown>>();
  return {
    track(p) {
      pending.add(p);
      const forget = () => pending.delete(p);
      p.then(forget, forget);
      return p;
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
