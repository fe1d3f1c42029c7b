// A cross-process mutex on a folder name: `mkdir` is atomic on every local file system, so exactly
// one process creates the folder. Critical sections are a read and an atomic write (milliseconds);
// a holder killed inside one leaves the folder behind, which others break at once when the holder
// process (same host) is gone, or else once the folder is `staleMs` old.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAlreadyExists, isNotFound } from './fs-atomic.js';

export interface MutexOptions {
  /** A lock folder older than this is considered abandoned by a crashed holder. */
  readonly staleMs: number;
  /** Give up (and throw) after waiting this long. */
  readonly timeoutMs: number;
}

export class StateLockTimeoutError extends Error {
  override readonly name = 'StateLockTimeoutError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOLDER_FILE = 'holder';
const me = () => `${hostname()}:${process.pid}`;

/** True when the folder names a holder on this host whose process no longer exists. */
async function holderIsDead(path: string): Promise<boolean> {
  let holder: string;
  try {
    holder = await readFile(join(path, HOLDER_FILE), 'utf8');
  } catch {
    return false; // not written yet (or already gone): judge by age
  }
  const sep = holder.lastIndexOf(':');
  const pid = Number(holder.slice(sep + 1));
  if (holder.slice(0, sep) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
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

/** Runs `fn` while holding the mutex folder `path` (its parent must exist). */
export async function withMutex<T>(path: string, options: MutexOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      await mkdir(path);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      if (Date.now() > deadline) {
        throw new StateLockTimeoutError(
          `state lock ${path} still held after ${options.timeoutMs} ms; if no verifier is running, remove that folder`,
        );
      }
      await breakIfStale(path, options.staleMs);
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
      continue;
    }
    try {
      await writeFile(join(path, HOLDER_FILE), me());
    } catch (err) {
      await rm(path, { recursive: true, force: true });
      throw err;
    }
    break;
  }
  try {
    return await fn();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
