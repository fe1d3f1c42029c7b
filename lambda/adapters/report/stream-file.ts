// File plumbing for the streaming report writers: results go to a part file as they arrive (memory
// stays flat whatever the doc count), and the final report is assembled by streaming the parts into
// a temp file that is renamed over the target, so a reader never sees half a report.
// (The one place under lambda/engine that touches the file system: report writers are output adapters.)
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ReportWriter {
  /** Feed every run event; writes happen in the background, errors surface in `close`. */
  onEvent(e: import('../../engine/ports.js').RunEvent): void;
  /** Finishes the report file. Safe to call more than once. */
  close(): Promise<void>;
}

/** A unique sibling path of `file` (same folder, so a rename is atomic). */
export function siblingPath(file: string, tag: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.${tag}`);
}

/** An append-only text sink that never blocks the caller; `end` reports the first write error. */
export interface PartSink {
  write(text: string): void;
  end(): Promise<void>;
}

export function openPartSink(path: string): PartSink {
  let stream: WriteStream | undefined;
  let failure: unknown;
  const open = () => {
    if (!stream) {
      stream = createWriteStream(path, { flags: 'a' });
      stream.on('error', (err) => {
        failure ??= err;
      });
    }
    return stream;
  };
  return {
    write(text) {
      if (failure === undefined) open().write(text);
    },
    end() {
      const s = open();
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        s.end(() => (failure === undefined ? resolve() : reject(failure)));
        s.once('error', reject);
      });
    },
  };
}

/** Lines of a part file, streamed. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) if (line !== '') yield line;
}

/** Streams the chunks `produce` yields into `file`, atomically (temp file + rename). */
export async function writeFileFromChunks(file: string, produce: () => AsyncIterable<string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = siblingPath(file, 'tmp');
  const out = createWriteStream(tmp);
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      (async () => {
        for await (const chunk of produce()) {
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        }
        out.end(resolve);
      })().catch(reject);
    });
    await rename(tmp, file);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function ensureDirFor(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
}
