import { beforeEach, describe, expect, it } from 'vitest';
import { buildMute, covers, MuteError, mutedAt, parseDuration } from '../../lambda/engine/health/mutes.js';
import type { MuteScope } from '../../lambda/engine/health/records.js';
import type { DocFailingAlert } from '../../lambda/engine/health/types.js';
import { hour, play, result } from '../support/health-results.js';
import { createMemoryHealthStore, type MemoryHealthStore } from '../support/memory-health-store.js';

let store: MemoryHealthStore;
beforeEach(() => {
  store = createMemoryHealthStore();
});

const A = 'clients/get_clients.md';

async function mute(id: string, scope: MuteScope, fromHour: number, hours: number) {
  const m = buildMute({
    id,
    scope,
    at: new Date(hour(fromHour)),
    forMs: hours * 3_600_000,
    reason: 'deploy',
  });
  expect(await store.putHealth('mute', id, m, 0, hour(fromHour))).toBe(true);
}

describe('mutes', () => {
  it('a muted doc records and raises nothing; when the mute ends and it still fails, one alert at the next run', async () => {
    await mute('m1', { kind: 'doc', glob: 'clients/**' }, 0, 3);
    expect(await play(store, hour(0.5), [result(A, 'fail')])).toEqual([]);
    expect(await play(store, hour(1), [result(A, 'fail')])).toEqual([]);
    expect(await play(store, hour(2), [result(A, 'fail')])).toEqual([]);
    expect(store.records.get(`incident#${A}`)?.data).toMatchObject({ state: 'open', told: 'ok' });
    const after = await play(store, hour(3), [result(A, 'fail')]);
    expect(after.map((a) => a.type)).toEqual(['doc.failing']);
    expect((after[0] as DocFailingAlert).docs[0]).toMatchObject({ doc: A, failures: 4, since: hour(0.5) });
    expect(await play(store, hour(4), [result(A, 'fail')])).toEqual([]);
  });

  it('a doc that opened and closed inside the window raises nothing, before or after', async () => {
    await mute('m1', { kind: 'domain', domain: 'clients' }, 0, 3);
    await play(store, hour(0.5), [result(A, 'fail')]);
    await play(store, hour(1), [result(A, 'fail')]);
    expect(await play(store, hour(2), [result(A, 'pass')])).toEqual([]);
    expect(await play(store, hour(4), [result(A, 'pass')])).toEqual([]);
  });

  it('an incident alerted before the mute closes during it: the recovery is told once the mute ends', async () => {
    await play(store, hour(0), [result(A, 'fail')]);
    expect((await play(store, hour(1), [result(A, 'fail')])).map((a) => a.type)).toEqual(['doc.failing']);
    await mute('m1', { kind: 'tag', tag: 'core' }, 1.5, 1);
    expect(await play(store, hour(2), [result(A, 'pass', { tags: ['core'] })])).toEqual([]);
    expect((await play(store, hour(3), [result(A, 'pass', { tags: ['core'] })])).map((a) => a.type)).toEqual([
      'doc.recovered',
    ]);
  });

  it('matches doc globs, domains, tags and all; only while in force', () => {
    const d = { doc: 'clients/get_clients.md', domain: 'clients', tags: ['core'] };
    expect(covers({ kind: 'doc', glob: 'clients/*.md' }, d)).toBe(true);
    expect(covers({ kind: 'doc', glob: 'billing/**' }, d)).toBe(false);
    expect(covers({ kind: 'domain', domain: 'clients' }, d)).toBe(true);
    expect(covers({ kind: 'tag', tag: 'slow' }, d)).toBe(false);
    expect(covers({ kind: 'all' }, d)).toBe(true);
    const m = buildMute({ id: 'x', scope: { kind: 'all' }, at: new Date(hour(0)), until: hour(2) });
    expect(mutedAt([m], hour(1))(d)).toBe(true);
    expect(mutedAt([m], hour(2))(d)).toBe(false);
  });

  it('parses durations and refuses nonsense with a message that says what was expected', () => {
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(() => parseDuration('soon')).toThrow(MuteError);
    expect(() => parseDuration('5x')).toThrow(/"90m", "2h"/);
    expect(() =>
      buildMute({ id: 'x', scope: { kind: 'all' }, at: new Date(hour(1)), until: hour(0) }),
    ).toThrow(/before it starts/);
  });
});
