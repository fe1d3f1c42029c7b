// The non-TTY console output is written in batches: few writes, nothing lost, nothing held for long.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLineBuffer } from '../../cli/line-buffer.js';

function sink() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) } };
}

describe('createLineBuffer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds lines written together and writes them once, after maxDelayMs', () => {
    vi.useFakeTimers();
    const { writes, stream } = sink();
    const out = createLineBuffer(stream, { maxDelayMs: 100 });
    for (let i = 0; i < 50; i++) out.write(`PASS doc-${i}.md\n`);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(99);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.split('\n').filter(Boolean)).toHaveLength(50);
    out.write('later\n');
    vi.advanceTimersByTime(100);
    expect(writes).toEqual([writes[0], 'later\n']);
  });

  it('writes at once when maxBytes is reached, and flush() empties it without waiting', () => {
    vi.useFakeTimers();
    const { writes, stream } = sink();
    const out = createLineBuffer(stream, { maxBytes: 20, maxDelayMs: 10_000 });
    out.write('0123456789\n');
    expect(writes).toEqual([]);
    out.write('0123456789\n');
    expect(writes).toEqual(['0123456789\n0123456789\n']);
    out.write('tail\n');
    out.flush();
    expect(writes).toEqual(['0123456789\n0123456789\n', 'tail\n']);
    out.flush();
    vi.advanceTimersByTime(20_000);
    expect(writes).toHaveLength(2);
  });
});
