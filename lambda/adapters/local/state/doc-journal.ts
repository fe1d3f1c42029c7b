// The doc-state journal of the local state store: `DIR/docs.jsonl`, one JSON DocState per line,
// appended to; for a doc, the last valid line wins. See the header of state-store.ts for the
// guarantees; this file holds the mechanics.
//
// Each store instance keeps an in-memory index (doc -> DocState) of the journal and the byte offset
// it has read up to (always just after a "\n": a line is used only once complete). A refresh (every
// read, and every flush under the docs lock) opens the file and fstats it: if it is the same file as
// last time (same device and inode, not shorter than the offset, same first line) only the bytes
// after the offset are read (other processes' appends); otherwise (compacted: a new file was renamed
// over; truncated; first read) the index is rebuilt from the whole file. The first line of every
// journal is a header holding a random id, so a compacted journal that happens to get the inode
// number of a deleted one is still told apart.
//
// Each line is parsed and checked on its own: a torn line (a writer killed mid-append) or a line that
// is not a valid DocState (garbled, hand-edited) is skipped, and the doc keeps its last valid line;
// one bad line never hides the other docs. A writer (under the lock) that finds a torn tail writes a
// "\n" first, so the torn bytes stay a line of their own and are never glued to the next one.
//
// Compaction (under the lock, when the journal holds more than max(1000, 3 x docs) lines): a temp
// file with the header and one line per doc, fsynced, renamed over docs.jsonl, folder fsynced.
// Anyone holding an offset into the old file sees a new inode (or header) on its next refresh and
// re-reads; a reader that opened the old file just before the rename reads it whole, unchanged.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { DocResult } from '../../../engine/model.js';
import type { DocState } from '../../../engine/ports.js';
import { fsyncFd, isNotFound, isTempName, TMP_SUFFIX } from './fs-atomic.js';
import { nextDocState } from './next-doc-state.js';
import { keyToFileName } from './paths.js';
import { docStateSchema } from './schemas.js';

/** Journal file name inside the state folder. */
export const JOURNAL_FILE = 'docs.jsonl';
/** Compaction never runs below this many lines. */
export const COMPACT_MIN_LINES = 1000;

const NL = 0x0a;
/** Bytes of the first line compared on each refresh to tell a replaced journal apart. */
const HEADER_CHECK_MAX = 64;

/** Process-wide counters, for tests and benchmarks. */
export const journalStats = { fullReads: 0, incrementalReads: 0, compactions: 0 };

const newHeader = () => `{"journal":"docs","id":"${randomBytes(8).toString('hex')}"}`;

const closeQuietly = (fd: number) => {
  try {
    closeSync(fd);
  } catch {
    // already failed: the caller reports the first error
  }
};

/** fsync of a folder makes a create or rename durable; best effort where the platform refuses it. */
export async function syncDirFd(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    await fsyncFd(fd);
  } catch {
    // Directory fsync is unsupported on some file systems (and on Windows): best effort.
  } finally {
    closeQuietly(fd);
  }
}

function parseState(text: string): DocState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = docStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe(to - from);
  let at = 0;
  while (at < buf.length) {
    const n = readSync(fd, buf, at, buf.length - at, from + at);
    if (n === 0) break;
    at += n;
  }
  return at === buf.length ? buf : buf.subarray(0, at);
}

/** One doc's queued results (in call order) and, once committed, the state after each. */
export interface DocUpdate {
  readonly doc: string;
  readonly results: readonly { readonly runId: string; readonly result: DocResult }[];
}

export interface CommitOutcome {
  /** States after each result, per doc, for the docs whose lines are durable. */
  readonly done: Map<string, DocState[]>;
  /** Docs whose previous state could not be read (a legacy file that cannot be opened). */
  readonly failed: Map<string, unknown>;
}

export class DocJournal {
  readonly file: string;
  private readonly root: string;
  private readonly legacyDir: string;
  private readonly index = new Map<string, DocState>();
  private dev = -1;
  private ino = -1;
  private offset = 0;
  /** First bytes of the first line (the header) of the file the index was built from. */
  private head: Buffer = Buffer.alloc(0);
  /** Complete lines in the file up to `offset` (header, valid, garbled): compaction's measure. */
  private lines = 0;

  constructor(root: string) {
    this.root = root;
    this.file = join(root, JOURNAL_FILE);
    this.legacyDir = join(root, 'docs');
  }

  /** Brings the index up to date (without the lock: readers). */
  refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.reset();
      return;
    }
    try {
      this.refreshFd(fd);
    } finally {
      closeQuietly(fd);
    }
  }

  /** The doc's state: its last valid journal line, else a legacy docs/<key>.json file. */
  get(doc: string): DocState | undefined {
    return this.index.get(doc) ?? this.legacy(doc);
  }

  /** Every doc's state: the journal's, plus legacy files for docs the journal has no line for. */
  list(): DocState[] {
    const out = [...this.index.values()];
    let names: string[];
    try {
      names = readdirSync(this.legacyDir);
    } catch (err) {
      if (isNotFound(err)) return out;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith('.json') || isTempName(name)) continue;
      const state = this.legacyFile(join(this.legacyDir, name));
      if (state && !this.index.has(state.doc)) out.push(state);
    }
    return out;
  }

  /** True when the journal holds enough superseded lines to be worth compacting. */
  needsCompaction(): boolean {
    return this.lines > Math.max(COMPACT_MIN_LINES, 3 * this.index.size);
  }

  /**
   * Under the docs lock: refresh, compute every doc's next states in call order, append all new
   * lines in one write, fsync once (asynchronously). The index and offset move with the write.
   */
  async commit(updates: readonly DocUpdate[]): Promise<CommitOutcome> {
    const fd = openSync(this.file, 'a+');
    try {
      const size = this.refreshFd(fd);
      const done = new Map<string, DocState[]>();
      const failed = new Map<string, unknown>();
      const lines: string[] = [];
      const created = size === 0;
      const header = created ? newHeader() : undefined;
      if (header) lines.push(header);
      // A legacy state folder is looked at once per flush, and only when it exists.
      const legacy = this.hasLegacyDir();
      for (const { doc, results } of updates) {
        let state: DocState | undefined;
        try {
          state = this.index.get(doc) ?? (legacy ? this.legacy(doc) : undefined);
        } catch (err) {
          failed.set(doc, err);
          continue;
        }
        const states: DocState[] = [];
        for (const { runId, result } of results) {
          state = nextDocState(state, runId, result);
          states.push(state);
        }
        done.set(doc, states);
        lines.push(JSON.stringify(state));
      }
      if (done.size === 0) return { done, failed };
      // Bytes after the offset are a line torn by a crash: keep them a line of their own.
      const torn = size > this.offset;
      const bytes = Buffer.from(`${torn ? '\n' : ''}${lines.join('\n')}\n`, 'utf8');
      try {
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      } catch (err) {
        // Nothing of this batch is acknowledged: take back a partial write (we hold the lock).
        try {
          ftruncateSync(fd, size);
        } catch {
          // the torn bytes stay; readers skip them and the next writer starts a new line
        }
        throw err;
      }
      // The index follows the file at once (a reader in this process may refresh while the fsync
      // runs). If the fsync fails, the callers are rejected; the lines stay in the file, as they do
      // for every other reader, and the next states build on them (their results are in the history).
      for (const [doc, states] of done) this.index.set(doc, states[states.length - 1] as DocState);
      if (header) this.head = Buffer.from(header.slice(0, HEADER_CHECK_MAX), 'utf8');
      this.offset = size + bytes.length;
      this.lines += lines.length + (torn ? 1 : 0);
      await fsyncFd(fd);
      if (created) await syncDirFd(this.root);
      return { done, failed };
    } finally {
      closeQuietly(fd);
    }
  }

  /** Under the docs lock: rewrites the journal with one line per doc if it is still worth it. */
  async compact(): Promise<boolean> {
    this.refresh();
    if (!this.needsCompaction()) return false;
    const header = newHeader();
    const text = `${[header, ...[...this.index.values()].map((s) => JSON.stringify(s))].join('\n')}\n`;
    const tmp = join(
      dirname(this.file),
      `.${JOURNAL_FILE}.${process.pid}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`,
    );
    const fd = openSync(tmp, 'w');
    let st: ReturnType<typeof fstatSync>;
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      await fsyncFd(fd);
      st = fstatSync(fd);
      renameSync(tmp, this.file);
    } catch (err) {
      closeQuietly(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // never created or already gone
      }
      throw err;
    }
    closeQuietly(fd);
    this.dev = st.dev;
    this.ino = st.ino;
    this.offset = st.size;
    this.lines = this.index.size + 1;
    this.head = Buffer.from(header.slice(0, HEADER_CHECK_MAX), 'utf8');
    journalStats.compactions++;
    await syncDirFd(this.root);
    return true;
  }

  private reset(): void {
    this.index.clear();
    this.dev = -1;
    this.ino = -1;
    this.offset = 0;
    this.lines = 0;
    this.head = Buffer.alloc(0);
  }

  /** Reads what is new in the open journal into the index; returns the file's size. */
  private refreshFd(fd: number): number {
    const st = fstatSync(fd);
    const same =
      st.ino === this.ino &&
      st.dev === this.dev &&
      st.size >= this.offset &&
      (this.head.length === 0 || readRange(fd, 0, this.head.length).equals(this.head));
    if (!same) {
      this.reset();
      this.dev = st.dev;
      this.ino = st.ino;
      journalStats.fullReads++;
    } else if (st.size > this.offset) journalStats.incrementalReads++;
    if (st.size <= this.offset) return st.size;
    const buf = readRange(fd, this.offset, st.size);
    const end = buf.lastIndexOf(NL);
    if (end < 0) return st.size; // only part of a line so far
    if (this.offset === 0) {
      const first = buf.indexOf(NL);
      this.head = Buffer.from(buf.subarray(0, Math.min(first, HEADER_CHECK_MAX)));
    }
    const text = buf.toString('utf8', 0, end);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.lines++;
      const state = parseState(line);
      if (state) this.index.set(state.doc, state);
    }
    this.offset += end + 1;
    return st.size;
  }

  private hasLegacyDir(): boolean {
    try {
      return statSync(this.legacyDir).isDirectory();
    } catch {
      return false;
    }
  }

  /** A doc's state file written by an earlier version of the store, if any (read-only fallback). */
  private legacy(doc: string): DocState | undefined {
    return this.legacyFile(join(this.legacyDir, `${keyToFileName(doc)}.json`));
  }

  private legacyFile(file: string): DocState | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
      throw err;
    }
    // A garbled legacy file is no state: the doc starts afresh and its next line shadows the file.
    return parseState(text);
  }
}
