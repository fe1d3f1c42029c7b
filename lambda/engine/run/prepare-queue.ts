// The look-ahead: while the docs in flight wait on the network, the next ones are prepared (read,
// parsed, linted), so a free slot sends its first request at once. It pays: without it, each doc's
// parse sits between two requests of the run (bench/PERFORMANCE.md).
//
// I/O comes first: one doc is prepared per event-loop turn, after that turn's poll phase (a
// setImmediate scheduled from a setImmediate), so a finished connect or a response that arrived is
// served before the next doc is parsed. A doc whose turn came before the look-ahead reached it is
// "due" and is prepared first, in the same one-per-turn way. At the start of a run every slot's doc is
// due, so the first doc's request leaves before the second doc is parsed, and so on.

export interface PrepareQueue<R> {
  /**
   * Doc `index`'s turn has come: its prepared value (prepared ahead, or now, before any look-ahead
   * work), and the docs after it start being prepared ahead.
   */
  take(index: number): Promise<R>;
  /**
   * Doc `index` will not run (the run is stopping): what was prepared ahead for it, if anything.
   * Nothing more is prepared ahead.
   */
  drop(index: number): Promise<R> | undefined;
  /** Prepares nothing more ahead (docs already taken are still prepared). */
  stop(): void;
}

export interface PrepareQueueOptions<T, R> {
  readonly items: readonly T[];
  /** Must not throw; it is called at most once per item. */
  readonly prepare: (item: T) => Promise<R>;
  /** How many items past the latest taken one are prepared ahead (the run's concurrency). */
  readonly ahead: number;
  /** Schedules a callback; the default runs it after the next event-loop turn's I/O. */
  readonly defer?: (fn: () => void) => void;
}

const afterNextPoll = (fn: () => void): void => {
  setImmediate(() => setImmediate(fn));
};

export function createPrepareQueue<T, R>(opts: PrepareQueueOptions<T, R>): PrepareQueue<R> {
  const { items, prepare } = opts;
  const defer = opts.defer ?? afterNextPoll;
  const ahead = Math.max(1, opts.ahead);
  /** Prepared ahead of their turn, by index. */
  const prepared = new Map<number, Promise<R>>();
  /** Taken or dropped: never prepared ahead. */
  const taken = new Set<number>();
  const due: { readonly item: T; readonly resolve: (p: Promise<R>) => void }[] = [];
  /** The look-ahead wants items up to `last` prepared; `next` is the next one to look at. */
  let last = -1;
  let next = 0;
  let stopped = false;
  let scheduled = false;

  const wantsAhead = () => next <= last && !stopped;
  const turn = () => {
    scheduled = false;
    const first = due.shift();
    if (first) first.resolve(prepare(first.item));
    else {
      while (wantsAhead()) {
        const j = next++;
        const item = items[j];
        if (item === undefined || taken.has(j) || prepared.has(j)) continue;
        prepared.set(j, prepare(item));
        break;
      }
    }
    schedule();
  };
  const schedule = () => {
    if (scheduled || (due.length === 0 && !wantsAhead())) return;
    scheduled = true;
    defer(turn);
  };
  const claim = (index: number): Promise<R> | undefined => {
    taken.add(index);
    const p = prepared.get(index);
    prepared.delete(index);
    return p;
  };

  return {
    take(index) {
      const p = claim(index);
      last = Math.max(last, Math.min(items.length - 1, index + ahead));
      next = Math.max(next, index + 1);
      const item = items[index];
      const now =
        p ??
        (item === undefined
          ? Promise.reject(new RangeError(`no item ${index}`))
          : new Promise<R>((resolve) => due.push({ item, resolve })));
      schedule();
      return now;
    },
    drop(index) {
      stopped = true;
      return claim(index);
    },
    stop() {
      stopped = true;
    },
  };
}
