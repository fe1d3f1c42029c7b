import { beforeEach, describe, expect, it } from 'vitest';
import { buildMute } from '../../lambda/engine/health/mutes.js';
import type { ConditionAlert, DocFailingAlert } from '../../lambda/engine/health/types.js';
import { hour, play, result } from '../support/health-results.js';
import { createMemoryHealthStore, type MemoryHealthStore } from '../support/memory-health-store.js';

let store: MemoryHealthStore;
beforeEach(() => {
  store = createMemoryHealthStore();
});

const docs = Array.from({ length: 10 }, (_, i) => `d${i % 3}/doc_${i}.md`);
/** Every doc ending `outcome`. */
const all = (outcome: Parameters<typeof result>[1]) => docs.map((d) => result(d, outcome));
/** The types of the alerts a run raises. */
const types = async (...args: Parameters<typeof play>) => (await play(...args)).map((a) => a.type);

describe('target down', () => {
  it('alerts target.down once with evidence, opens no per-doc incident, and target.recovered once', async () => {
    const down = () => docs.map((d, i) => result(d, i % 2 ? 'fail' : 'error', i % 2 ? { status: 503 } : {}));
    const first = await play(store, hour(0), down());
    expect(first).toHaveLength(1);
    const a = first[0] as ConditionAlert;
    expect(a).toMatchObject({
      type: 'target.down',
      condition: 'target.down',
      subject: 'target',
      severity: 'critical',
      idempotencyKey: 'health-condition#target.down#target#1',
      domains: ['d0', 'd1', 'd2'],
    });
    expect(a.evidence).toMatchObject({ considered: 10, matched: 10, byKind: { '503': 5, connect: 5 } });
    expect(a.evidence?.examples).toHaveLength(3);
    // Still down: no new alert, and still no per-doc incident however many runs.
    expect(await play(store, hour(1), down())).toEqual([]);
    expect(await play(store, hour(2), down())).toEqual([]);
    expect([...store.records.keys()].filter((k) => k.startsWith('incident#'))).toEqual([]);
    const back = await play(store, hour(3), all('pass'));
    expect(back.map((x) => x.type)).toEqual(['target.recovered']);
    expect(back[0]).toMatchObject({ condition: 'target.down', since: hour(0) });
    expect(await play(store, hour(4), all('pass'))).toEqual([]);
  });

  it('below 80% is not target down: the failing docs get their incidents', async () => {
    const mixed = () => docs.map((d, i) => result(d, i < 7 ? 'fail' : 'pass', { status: i < 7 ? 503 : 200 }));
    expect(await play(store, hour(0), mixed())).toEqual([]);
    const alerts = await play(store, hour(1), mixed());
    expect(alerts.map((x) => x.type)).toEqual(['doc.failing']);
    expect((alerts[0] as DocFailingAlert).docs).toHaveLength(7);
  });
});

describe('token rejected', () => {
  const run = (revoked: boolean) => [
    ...['a/1.md', 'a/2.md', 'a/3.md'].map((d) =>
      revoked ? result(d, 'fail', { status: 401, token: 'client' }) : result(d, 'pass', { token: 'client' }),
    ),
    result('b/staff.md', 'pass', { token: 'staff' }),
    result('b/broken.md', 'fail', { token: 'staff', status: 500 }),
  ];

  it('names the token type (never a value), holds back those docs, alerts once each way', async () => {
    const first = await play(store, hour(0), run(true));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      type: 'credential.rejected',
      subject: 'client',
      severity: 'critical',
      evidence: { considered: 3, matched: 3, byKind: { '401': 3 } },
    });
    expect((first[0] as ConditionAlert).remedy).toMatch(/Rotate it in the tokens file/);
    const second = await play(store, hour(1), run(true));
    // The 401 docs open nothing; the unrelated 500 still opens its own incident.
    expect(second.map((x) => x.type)).toEqual(['doc.failing']);
    expect((second[0] as DocFailingAlert).docs.map((d) => d.doc)).toEqual(['b/broken.md']);
    const back = await play(store, hour(2), run(false));
    expect(back.map((x) => x.type)).toEqual(['credential.recovered']);
    expect(back[0]).toMatchObject({ subject: 'client', condition: 'credential.rejected' });
  });

  it('one 200 among the token type is not "every request rejected"', async () => {
    const r = [...run(true), result('a/4.md', 'pass', { token: 'client' })];
    expect(await types(store, hour(0), r)).toEqual([]);
  });
});

describe('rate limited', () => {
  it('most errors being 429 after retries: one target.rate_limited with the cap, no per-doc incidents', async () => {
    const limited = () =>
      docs.map((d, i) => result(d, i < 6 ? 'error' : 'pass', i < 6 ? { status: 429 } : {}));
    const first = await play(store, hour(0), limited(), { options: { rateCapRps: 5 } });
    expect(first.map((x) => x.type)).toEqual(['target.rate_limited']);
    expect((first[0] as ConditionAlert).evidence).toMatchObject({
      matched: 6,
      byKind: { '429 after retries': 6 },
      rateCapRps: 5,
    });
    expect(await play(store, hour(1), limited())).toEqual([]);
    expect(await play(store, hour(2), limited())).toEqual([]);
    expect(await types(store, hour(3), all('pass'))).toEqual(['target.recovered']);
  });
});

describe('conditions under concurrency and filters', () => {
  it('two concurrent runs that both see the target down alert it once', async () => {
    const down = all('error');
    const [x, y] = await Promise.all([play(store, hour(0), down), play(store, hour(0), down)]);
    expect([...x, ...y].map((a) => a.type)).toEqual(['target.down']);
  });

  it('a filtered run does not clear a condition', async () => {
    await play(store, hour(0), all('error'));
    expect(await play(store, hour(1), all('pass'), { filteredRun: true })).toEqual([]);
    expect(await types(store, hour(2), all('pass'))).toEqual(['target.recovered']);
  });

  it('an --all mute silences the start and then the clearing of a condition', async () => {
    const mute = buildMute({ id: 'm1', scope: { kind: 'all' }, at: new Date(hour(0)), forMs: 3_600_000 });
    await store.putHealth('mute', 'm1', mute, 0, hour(0));
    expect(await play(store, hour(0.5), all('error'))).toEqual([]);
    expect(await play(store, hour(2), all('pass'))).toEqual([]);
  });
});
