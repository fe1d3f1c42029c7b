import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { DEFAULT_REMEDY, RECOVERED_REMEDY } from '../../lambda/engine/conditions/alert.js';
import {
  applyObservations,
  type Observation,
  remedyFromKnownIssues,
} from '../../lambda/engine/conditions/business.js';
import type { Evidence } from '../../lambda/engine/model.js';
import { createBusinessStoreStub } from '../support/business-store-stub.js';

const BIZ = 'biz-42';
const evidence = (doc: string, at: string): Evidence => ({
  doc,
  stepId: 'create_message',
  endpoint: 'POST /platform/v1/messages',
  status: 422,
  body: '{"status":"Error","data":{}}',
  at,
  rule: 'spam-flagged-messages',
});
const flagged = (doc: string, at = '2026-01-01T00:00:00.000Z', remedy?: string): Observation => ({
  kind: 'condition',
  condition: 'spam_flagged',
  evidence: evidence(doc, at),
  doc,
  ...(remedy ? { remedy } : {}),
});
const clear = (doc: string): Observation => ({ kind: 'clear', doc, stepId: 'create_message', at: '' });

describe('applyObservations', () => {
  it('flag → hold → recover → hold → flag across runs gives exactly three alerts', async () => {
    const store = createBusinessStoreStub();
    const run = (n: number, observations: Observation[]) =>
      applyObservations({
        store,
        businessId: BIZ,
        runId: `run-${n}`,
        now: new Date(Date.UTC(2026, 0, n)),
        observations,
      });
    const alerts = [
      ...(await run(1, [flagged('communication/post_platform_v1_messages.md')])),
      ...(await run(2, [flagged('communication/post_platform_v1_messages.md')])),
      ...(await run(3, [flagged('communication/post_platform_v1_messages.md')])),
      ...(await run(4, [clear('communication/post_platform_v1_messages.md')])),
      ...(await run(5, [clear('communication/post_platform_v1_messages.md')])),
      ...(await run(6, [])),
      ...(await run(7, [flagged('clients/x.md')])),
    ];
    expect(alerts.map((a) => [a.type, a.idempotencyKey, a.runId])).toEqual([
      ['business.spam_flagged', 'biz-42#1', 'run-1'],
      ['business.recovered', 'biz-42#2', 'run-4'],
      ['business.spam_flagged', 'biz-42#3', 'run-7'],
    ]);
    expect(alerts[0]).toMatchObject({
      businessId: BIZ,
      since: '2026-01-01T00:00:00.000Z',
      evidence: evidence('communication/post_platform_v1_messages.md', '2026-01-01T00:00:00.000Z'),
      affectedDocs: ['communication/post_platform_v1_messages.md'],
      remedy: DEFAULT_REMEDY,
    });
    expect(alerts[1]).toMatchObject({
      since: '2026-01-04T00:00:00.000Z',
      affectedDocs: ['communication/post_platform_v1_messages.md'],
      remedy: RECOVERED_REMEDY,
    });
    expect(alerts[1]?.evidence).toBeUndefined();
    expect(store.writes.map((w) => [w.condition, w.version])).toEqual([
      ['spam_flagged', 1],
      ['ok', 2],
      ['spam_flagged', 3],
    ]);
  });

  it('adds newly affected docs while flagged without a version bump or an alert', async () => {
    const store = createBusinessStoreStub();
    const base = { store, businessId: BIZ, now: new Date('2026-02-01T00:00:00Z') };
    await applyObservations({ ...base, runId: 'r1', observations: [flagged('a.md')] });
    const again = await applyObservations({
      ...base,
      runId: 'r2',
      observations: [flagged('b.md'), flagged('a.md')],
    });
    expect(again).toEqual([]);
    const state = await store.getBusiness(BIZ);
    expect(state).toMatchObject({ condition: 'spam_flagged', version: 1, affectedDocs: ['a.md', 'b.md'] });
    expect(state?.since).toBe('2026-02-01T00:00:00.000Z');
  });

  it('a success in the same run that flagged does not recover; a clear with no state writes nothing', async () => {
    const store = createBusinessStoreStub();
    const base = { store, businessId: BIZ, now: new Date('2026-02-01T00:00:00Z') };
    expect(await applyObservations({ ...base, runId: 'r1', observations: [clear('x.md')] })).toEqual([]);
    expect(store.writes).toEqual([]);
    await applyObservations({ ...base, runId: 'r1', observations: [flagged('a.md')] });
    expect(await applyObservations({ ...base, runId: 'r1', observations: [clear('b.md')] })).toEqual([]);
    // A later run with both a condition and a clear stays flagged.
    expect(
      await applyObservations({ ...base, runId: 'r2', observations: [clear('b.md'), flagged('a.md')] }),
    ).toEqual([]);
    expect((await store.getBusiness(BIZ))?.condition).toBe('spam_flagged');
  });

  it('two concurrent callers with the same observations produce exactly one alert', async () => {
    const store = createBusinessStoreStub();
    const args = (runId: string) => ({
      store,
      businessId: BIZ,
      runId,
      now: new Date('2026-03-01T00:00:00Z'),
      observations: [flagged('a.md')],
    });
    const results = await Promise.all([applyObservations(args('r1')), applyObservations(args('r2'))]);
    expect(results.flat()).toHaveLength(1);
    expect(results.flat()[0]?.idempotencyKey).toBe('biz-42#1');
    expect(store.writes.filter((w) => w.version === 1)).toHaveLength(1);

    // And two concurrent recoveries: still one alert.
    const recover = (runId: string) => ({ ...args(runId), observations: [clear('a.md')] });
    const rec = await Promise.all([applyObservations(recover('r3')), applyObservations(recover('r4'))]);
    expect(rec.flat().map((a) => a.type)).toEqual(['business.recovered']);
  });

  it('takes the remedy from the doc Known Issues when it talks about the condition', async () => {
    const store = createBusinessStoreStub();
    const known = [
      '### Issue: 422 when business is spam-flagged or blocked',
      '',
      '**Description**: The endpoint returns 422.',
      '',
      '**Fix**: Create a fresh business using the setup script.',
      '',
      '### Issue: other',
    ].join('\n');
    const [alert] = await applyObservations({
      store,
      businessId: BIZ,
      runId: 'r1',
      now: new Date(),
      observations: [flagged('a.md', undefined, known)],
    });
    expect(alert?.remedy).toBe('Create a fresh business using the setup script.');
    expect((await store.getBusiness(BIZ))?.remedy).toBe('Create a fresh business using the setup script.');
  });
});

describe('applyObservations on the local file store', () => {
  it('concurrent flags give one alert, and flag → recover → flag gives three in all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verifier-conditions-'));
    try {
      const store = createLocalStateStore({ dir });
      const at = (n: number) => new Date(Date.UTC(2026, 0, n));
      const apply = (runId: string, n: number, observations: Observation[]) =>
        applyObservations({ store, businessId: BIZ, runId, now: at(n), observations });
      const concurrent = await Promise.all(
        ['r1a', 'r1b', 'r1c'].map((r) =>
          apply(r, 1, [flagged('communication/post_platform_v1_messages.md')]),
        ),
      );
      const later = [
        ...(await apply('r2', 2, [flagged('communication/post_platform_v1_messages.md')])),
        ...(await apply('r3', 3, [clear('communication/post_platform_v1_messages.md')])),
        ...(await apply('r4', 4, [flagged('communication/post_platform_v1_messages.md')])),
      ];
      expect([...concurrent.flat(), ...later].map((a) => `${a.type} ${a.idempotencyKey}`)).toEqual([
        'business.spam_flagged biz-42#1',
        'business.recovered biz-42#2',
        'business.spam_flagged biz-42#3',
      ]);
      expect(await store.getBusiness(BIZ)).toMatchObject({
        condition: 'spam_flagged',
        version: 3,
        runId: 'r4',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('remedyFromKnownIssues', () => {
  it('ignores known issues that are not about the condition', () => {
    expect(remedyFromKnownIssues('- **form_data is an array**: send a list.')).toBeUndefined();
    expect(remedyFromKnownIssues(undefined)).toBeUndefined();
  });

  it('uses the whole relevant section when it has no Fix paragraph', () => {
    const text =
      '- **Payment 404**: unrelated.\n- **Spam**: the business is flagged; use a verified business.';
    expect(remedyFromKnownIssues(text)).toBe('- **Spam**: the business is flagged; use a verified business.');
  });
});
