// File primitives for the local state store: atomic replace, durable append, tolerant reads.
// A crash (even SIGKILL) leaves either the previous or the new content of a file, never a torn one;
// a line torn by a crash mid-append is ignored on read and never glued to the next line.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Suffix of in-flight temp files; readers skip them, and a crash may leave one behind. */
export const TMP_SUFFIX = '.tmp';

export function isTempName(name: string): boolean {
  return name.endsWith(TMP_SUFFIX);
}

/** fsync of the directory makes a rename durable; not every platform allows it, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Directory fsync is unsupported on some file systems (and on Windows): best effort.
  } finally {
    await handle.close();
  }
}

interface DirSync {
  /** A sync not started yet: it covers every rename made before it starts. */
  queued?: Promise<void>;
  tail: Promise<void>;
}
const dirSyncs = new Map<string, DirSync>();

/** A folder fsync that covers this caller's rename; concurrent callers share one. */
function syncDirShared(dir: string): Promise<void> {
  let entry = dirSyncs.get(dir);
  if (!entry) {
    entry = { tail: Promise.resolve() };
    dirSyncs.set(dir, entry);
  }
  if (entry.queued) return entry.queued;
  const e = entry;
  const sync = e.tail.then(() => {
    e.queued = undefined;
    return syncDir(dir);
  });
  e.queued = sync;
  e.tail = sync.finally(() => {
    if (e.queued === undefined && dirSyncs.get(dir) === e) dirSyncs.delete(dir);
  });
  return sync;
}

let tmpCounter = 0;

/**
 * Writes `text` to `file` atomically: temp file in the same folder, fsync, rename over, folder fsync.
 * Every call here is asynchronous: synchronous opens, cheap on their own, waited on ext4's journal while
 * another file's fsync was in flight, and so blocked the event loop (260 ms of a 350-doc benchmark run).
 */
export function writeFileAtomic(file: string, text: string): Promise<void> {
  return writeFilesAtomic(dirname(file), [{ file, text }]);
}

/**
 * Replaces several files of one folder, each atomically, as one group: every temp file is written,
 * all are fsynced at once (one threadpool round trip each, in parallel), then renamed into place,
 * then the folder is fsynced once for all the renames. A failure before the renames replaces
 * nothing; each file is always either its previous or its new content.
 */
export async function writeFilesAtomic(
  dir: string,
  files: readonly { readonly file: string; readonly text: string }[],
): Promise<void> {
  const temps = files.map(({ file, text }) => ({
    file,
    text,
    tmp: join(dir, `.${basename(file)}.${process.pid}.${++tmpCounter}${TMP_SUFFIX}`),
  }));
  const written = await Promise.allSettled(
    temps.map(async (t) => {
      const handle = await open(t.tmp, 'w');
      try {
        await handle.writeFile(t.text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
  );
  const failed = written.find((w) => w.status === 'rejected');
  if (failed) {
    await Promise.all(temps.map((t) => rm(t.tmp, { force: true })));
    throw failed.reason;
  }
  let renamed = 0;
  try {
    for (const t of temps) {
      await rename(t.tmp, t.file);
      renamed++;
    }
  } finally {
    await Promise.all(temps.slice(renamed).map((t) => rm(t.tmp, { force: true })));
  }
  await syncDirShared(dir);
}

/**
 * Appends lines durably (one write, one fsync). If the file ends with a torn line (a writer was
 * killed mid-append), a newline is written first so the torn bytes stay a line of their own. Callers
 * serialise appends to one file (see serial.ts) so the tail check and the write are one step.
 */
export async function appendLines(file: string, lines: readonly string[]): Promise<void> {
  const handle = await open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.writeFile(`${prefix}${lines.join('\n')}\n`, 'utf8');
    await handle.sync();
    // A file this call created (or found empty) is durable only once its folder entry is: once per file.
    if (size === 0) await syncDirShared(dirname(file));
  } finally {
    await handle.close();
  }
}

/** Reads a file as text, or undefined when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Parses each complete JSON line; a torn or garbled line (a crash mid-append) is skipped. */
export function parseJsonLines(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // torn by a crash: the record was never acknowledged to the caller
    }
  }
  return out;
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

export function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EEXIST';
}
