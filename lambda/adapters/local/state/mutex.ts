// A cross-process mutex on a lock file: `open(path, 'wx')` (O_CREAT | O_EXCL) is atomic on every
// local file system, so exactly one process creates the file, and it writes its holder
// (`host:pid`) through the same descriptor. Taking and releasing it is three calls and an unlink (a
// folder lock cost a mkdir, a holder file and an `rm -r`), asynchronous like every file call of the
// store (see files.ts, writeFileAtomic). Critical sections are a read and an
// atomic write (milliseconds); a holder killed inside one leaves the file behind, which others break
// at once when the holder process (same host) is gone, or else once the file is `staleMs` old.
import { open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAlreadyExists, isNotFound } from './files.js';

export interface MutexOptions {
  /** A lock file older than this is considered abandoned by a crashed holder. */
  readonly staleMs: number;
  /** Give up (and throw) after waiting this long. */
  readonly timeoutMs: number;
}

export class StateLockTimeoutError extends Error {
  override readonly name = 'StateLockTimeoutError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOST = hostname();
const me = () => `${HOST}:${process.pid}`;

async function readHolder(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when the lock names a holder on this host whose process no longer exists. */
async function holderIsDead(path: string): Promise<boolean> {
  const holder = await readHolder(path);
  if (!holder) return false; // not written yet (or already gone): judge by age
  const sep = holder.lastIndexOf(':');
  const pid = Number(holder.slice(sep + 1));
  if (holder.slice(0, sep) !== HOST || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code === 'ESRCH';
  }
}

async function breakIfStale(path: string, staleMs: number): Promise<void> {
  try {
    const s = await stat(path);
    if (Date.now() - s.mtimeMs <= staleMs && !(await holderIsDead(path))) return;
    // Rename first: only one breaker wins the rename, so two breakers cannot both remove a lock
    // and then each take it.
    const grave = `${path}.stale-${process.pid}-${Date.now()}`;
    await rename(path, grave);
    await rm(grave, { recursive: true, force: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Creates the lock file with our holder in it; false when someone else holds it. No fsync: a lock
 * file needs no durability.
 */
async function tryTake(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
  let written = false;
  try {
    await handle.writeFile(me(), 'utf8');
    written = true;
  } finally {
    await handle.close();
    if (!written) {
      // could not write our holder: remove the file, or it goes stale and is broken by age
      await unlink(path).catch(() => {});
    }
  }
  return true;
}

/** Runs `fn` while holding the lock file `path` (its parent must exist). */
export async function withMutex<T>(path: string, options: MutexOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = 1;
  while (!(await tryTake(path))) {
    if (Date.now() > deadline) {
      throw new StateLockTimeoutError(
        `state lock ${path} still held after ${options.timeoutMs} ms; if no verifier is running, remove it`,
      );
    }
    await breakIfStale(path, options.staleMs);
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    await release(path, false);
    throw err;
  }
  await release(path, true);
  return value;
}

/** Removes our lock file; a failure to do so is reported only when nothing else failed first. */
async function release(path: string, report: boolean): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (report && !isNotFound(err)) throw err;
  }
}
