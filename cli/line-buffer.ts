// Coalesces many small writes (one line per finished doc) into few: a pipe or file takes one write
// syscall per call, which at hundreds of docs per second is a visible share of a run's CPU. Output
// still streams: whatever is held goes out after `maxDelayMs`, or at once past `maxBytes`, and on
// `flush()` (called when the run ends, before the exit code is returned).
export interface LineBuffer {
  write(text: string): boolean;
  flush(): void;
}

export interface LineBufferOptions {
  /** @default 16 KiB */
  readonly maxBytes?: number;
  /** @default 100 ms */
  readonly maxDelayMs?: number;
}

export function createLineBuffer(
  stream: { write(chunk: string): unknown },
  options: LineBufferOptions = {},
): LineBuffer {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const maxDelayMs = options.maxDelayMs ?? 100;
  let held = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (held === '') return;
    const out = held;
    held = '';
    stream.write(out);
  };
  return {
    write(text) {
      held += text;
      if (held.length >= maxBytes) flush();
      else if (!timer) {
        timer = setTimeout(flush, maxDelayMs);
        timer.unref?.();
      }
      return true;
    },
    flush,
  };
}
