// The look-ahead queue on its own: one item prepared per turn, a due item before any look-ahead work,
// never an item prepared twice, at most `ahead` items past the latest taken one, nothing more once
// stopped. Turns are run by hand (the `defer` option), so every step is observable.
import { describe, expect, it } from 'vitest';
import { createPrepareQueue } from '../../lambda/engine/run/prepare-queue.js';

function setup(count: number, ahead: number) {
  const items = Array.from({ length: count }, (_, i) => `doc${i}`);
  const prepared: string[] = [];
  const turns: (() => void)[] = [];
  const queue = createPrepareQueue({
    items,
    ahead,
    prepare: async (item: string) => {
      prepared.push(item);
      return `ready ${item}`;
    },
    defer: (fn) => turns.push(fn),
  });
  /** Runs the scheduled turns one at a time; returns how many ran. */
  const runTurns = (max = 100): number => {
    let n = 0;
    while (turns.length > 0 && n < max) {
      turns.shift()?.();
      n++;
    }
    return n;
  };
  return { queue, prepared, turns, runTurns };
}

describe('prepare queue', () => {
  it('prepares nothing in the call that takes an item: its turn comes after I/O', async () => {
    const { queue, prepared, runTurns } = setup(5, 2);
    const first = queue.take(0);
    expect(prepared).toEqual([]);
    runTurns(1);
    expect(prepared).toEqual(['doc0']);
    await expect(first).resolves.toBe('ready doc0');
  });

  it('prepares one item per turn, and at most `ahead` past the latest taken item', () => {
    const { queue, prepared, runTurns } = setup(10, 2);
    void queue.take(0);
    runTurns(1);
    expect(prepared).toEqual(['doc0']);
    runTurns(1);
    expect(prepared).toEqual(['doc0', 'doc1']);
    runTurns();
    expect(prepared).toEqual(['doc0', 'doc1', 'doc2']);
  });

  it('prepares a due item before any look-ahead work', () => {
    const { queue, prepared, runTurns } = setup(10, 3);
    void queue.take(0);
    void queue.take(1);
    void queue.take(2);
    runTurns(3);
    // Every slot's item first (the first request of each slot leaves before later items are parsed).
    expect(prepared).toEqual(['doc0', 'doc1', 'doc2']);
    runTurns();
    expect(prepared).toEqual(['doc0', 'doc1', 'doc2', 'doc3', 'doc4', 'doc5']);
  });

  it('hands over what it prepared ahead, and never prepares an item twice', async () => {
    const { queue, prepared, runTurns } = setup(4, 3);
    void queue.take(0);
    runTurns();
    expect(prepared).toEqual(['doc0', 'doc1', 'doc2', 'doc3']);
    await expect(queue.take(2)).resolves.toBe('ready doc2');
    await expect(queue.take(1)).resolves.toBe('ready doc1');
    runTurns();
    expect(prepared).toEqual(['doc0', 'doc1', 'doc2', 'doc3']);
  });

  it('does not prepare ahead an item already taken', async () => {
    const { queue, prepared, runTurns } = setup(4, 3);
    void queue.take(0);
    const second = queue.take(1);
    runTurns();
    expect(prepared.filter((p) => p === 'doc1')).toEqual(['doc1']);
    await expect(second).resolves.toBe('ready doc1');
  });

  it('once stopped, prepares nothing more ahead, but still what was taken', async () => {
    const { queue, prepared, runTurns } = setup(10, 3);
    const first = queue.take(0);
    queue.stop();
    runTurns();
    expect(prepared).toEqual(['doc0']);
    await expect(first).resolves.toBe('ready doc0');
  });

  it('drop hands over what was prepared ahead for an item that will not run, and stops the look-ahead', async () => {
    const { queue, prepared, runTurns } = setup(10, 2);
    void queue.take(0);
    runTurns(2);
    expect(prepared).toEqual(['doc0', 'doc1']);
    await expect(queue.drop(1)).resolves.toBe('ready doc1');
    expect(queue.drop(2)).toBeUndefined();
    runTurns();
    expect(prepared).toEqual(['doc0', 'doc1']);
  });

  it('by default, prepares after the work already queued for the event loop', async () => {
    const order: string[] = [];
    const queue = createPrepareQueue({
      items: ['a', 'b'],
      ahead: 1,
      prepare: async (item: string) => {
        order.push(`prepare ${item}`);
        return item;
      },
    });
    setImmediate(() => order.push('queued before'));
    await expect(queue.take(0)).resolves.toBe('a');
    expect(order).toEqual(['queued before', 'prepare a']);
  });
});
