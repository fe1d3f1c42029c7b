import { describe, expect, it } from 'vitest';
import { asHealthStore, digestText, muteCommand, mutesCommand, unmuteCommand } from '../../cli/mute.js';
import { hour, play, result } from '../support/health-results.js';
import { createMemoryHealthStore } from '../support/memory-health-store.js';

function io(at: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
      now: () => new Date(at),
    },
  };
}

describe('verifier mute / mutes / unmute', () => {
  it('creates a mute that silences the next runs, lists it, and removes it', async () => {
    const store = createMemoryHealthStore();
    const a = io(hour(0));
    expect(await muteCommand(store, { domain: 'clients', for: '2h', reason: 'deploy' }, a.io)).toBe(0);
    const id = /^(mute-[0-9a-f]{8}): domain clients muted until 2026-01-01T02:00:00.000Z \(deploy\)\n$/.exec(
      a.out.join(''),
    )?.[1];
    expect(id).toBeDefined();
    // The mute is honoured by the health engine.
    await play(store, hour(0.5), [result('clients/a.md', 'fail')]);
    expect(await play(store, hour(1), [result('clients/a.md', 'fail')])).toEqual([]);

    const b = io(hour(1));
    await mutesCommand(store, b.io);
    expect(b.out.join('')).toBe(`${id}  domain clients  until 2026-01-01T02:00:00.000Z  deploy\n`);

    const c = io(hour(1));
    expect(await unmuteCommand(store, id ?? '', c.io)).toBe(0);
    expect((await play(store, hour(1.5), [result('clients/a.md', 'fail')])).map((x) => x.type)).toEqual([
      'doc.failing',
    ]);
    const d = io(hour(2));
    expect(await unmuteCommand(store, id ?? '', d.io)).toBe(1);
    expect(d.err.join('')).toContain('no mute');
  });

  it('refuses two scopes, no duration, or a bad one (exit 2, says what is expected)', async () => {
    const store = createMemoryHealthStore();
    for (const o of [{ doc: 'a/*', all: true, for: '1h' }, { all: true }, { all: true, for: 'later' }]) {
      const x = io(hour(0));
      expect(await muteCommand(store, o, x.io)).toBe(2);
      expect(x.err.join('')).toMatch(/^verifier mute: (give exactly one|a duration such as)/);
    }
    expect(store.records.size).toBe(0);
  });

  it('says which method a store without health records lacks', () => {
    expect(() => asHealthStore({})).toThrow(/no getHealth/);
  });
});

describe('verifier digest', () => {
  it('lists open incidents, invalid docs, flapping docs and mutes', async () => {
    const store = createMemoryHealthStore();
    await play(store, hour(0), [result('clients/a.md', 'fail')]);
    await play(store, hour(1), [result('clients/a.md', 'fail')]);
    await muteCommand(store, { tag: 'slow', for: '1d' }, io(hour(1)).io);
    const text = await digestText(
      {
        health: store,
        listDocStates: async () => [
          {
            doc: 'billing/bad.md',
            domain: 'billing',
            outcome: 'invalid',
            since: hour(0),
            consecutiveFailures: 0,
            lastRunId: 'r',
            lastRunAt: hour(0),
            reason: 'unknown variable {{x}}',
          },
        ],
      },
      hour(2),
    );
    expect(text).toContain(
      'Open incidents (1):\n  - [clients] GET /clients/a: 2 failing run(s) since 2026-01-01T00:00:00.000Z',
    );
    expect(text).toContain('Invalid docs (1):\n  - billing/bad.md: unknown variable {{x}}');
    expect(text).toContain('Flapping docs (0):');
    expect(text).toMatch(/Mutes \(1\):\n {2}- mute-[0-9a-f]{8}: tag slow until 2026-01-02T01:00:00.000Z/);
  });
});
