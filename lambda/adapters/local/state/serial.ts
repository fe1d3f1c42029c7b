// In-process ordering of appends for the local state store, shared by every store instance in this
// process (keys are file paths, so two instances on one folder queue on the same log).
//
// `appendLinesDurably` is a group commit: lines handed in while a write is in flight are appended
// together by the next write, with one fsync for all of them. Each call resolves only after the
// fsync that covers its lines, in call order, so an acknowledged line survives a SIGKILL (and a power
// loss). Only this process appends to a run's results file: the run id belongs to the process that
// started it, so no cross-process lock is needed.
import { appendLines } from './files.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}
interface Log {
  lines: string[];
  waiters: Waiter[];
  writing: boolean;
}
const logs = new Map<string, Log>();

async function drain(file: string, log: Log): Promise<void> {
  log.writing = true;
  while (log.lines.length > 0) {
    const { lines, waiters } = log;
    log.lines = [];
    log.waiters = [];
    try {
      await appendLines(file, lines);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
  log.writing = false;
  logs.delete(file);
}

/** Appends `line` to `file` (which this process alone appends to), durable once resolved. */
export function appendLineDurably(file: string, line: string): Promise<void> {
  return appendLinesDurably(file, [line]);
}

/** Appends `lines`, in order and next to each other, to `file`; durable once resolved. */
export function appendLinesDurably(file: string, lines: readonly string[]): Promise<void> {
  let log = logs.get(file);
  if (!log) {
    log = { lines: [], waiters: [], writing: false };
    logs.set(file, log);
  }
  const target = log;
  return new Promise<void>((resolve, reject) => {
    target.lines.push(...lines);
    target.waiters.push({ resolve, reject });
    if (!target.writing) void drain(file, target);
  });
}
