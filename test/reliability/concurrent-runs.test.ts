// Two runs at once on the same state (the local folder, and the DynamoDB table on dynalite), each
// through its own store instance as two processes or two Lambdas would: no lost or torn update,
// the run lock admits one, and a business transition is decided (and alerted) once.
import { describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import type { Alert } from '../../lambda/engine/model.js';
import type { AlertSink, StateStore } from '../../lambda/engine/ports.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { runWith, tempDir, useFaultTarget } from './harness.js';

const t = useFaultTarget({ slowMs: 50 });

type StoreFactory = () => Promise<() => StateStore>;

const localStores: StoreFactory = async () => {
  const dir = await tempDir();
  return () => createLocalStateStore({ dir });
};
const dynamoStores: StoreFactory = async () => {
  const tableName = await createStateTable(createDynamoClient());
  return () => createDynamoStateStore({ client: createDocumentClient(createDynamoClient()), tableName });
};

const DOCS: Record<string, string> = {};
for (let i = 0; i < 6; i++) {
  DOCS[`ok/doc-${i}.md`] = docWithStep(okStep('call', { path: `/ok?i=${i}` }));
  DOCS[`bad/doc-${i}.md`] = docWithStep(okStep('call', { path: `/status/500?i=${i}` }));
}
const SPAM_DOC = docWithStep(
  okStep('send', {
    method: 'POST',
    path: '/platform/v1/messages',
    body: { message: { text: 'hi' } },
    expect: { status: [201] },
  }),
  'endpoint: "POST /platform/v1/messages"\ndomain: communication\nstatus: verified\n',
);

function collectingSink(): AlertSink & { published: Alert[] } {
  const published: Alert[] = [];
  return { published, publish: async (a) => void published.push(a) };
}

describe.each([
  ['local folder', localStores],
  ['DynamoDB table', dynamoStores],
])('two runs at once on the same %s', (_name, factory) => {
  it('loses no update and tears nothing: both runs complete, every doc counts both results', async () => {
    const newStore = await factory();
    const [a, b] = await Promise.all([
      runWith({ docs: DOCS, baseUrl: t.fs.url, http: t.http }, newStore()),
      runWith({ docs: DOCS, baseUrl: t.fs.url, http: t.http }, newStore()),
    ]);
    const reader = newStore();
    const ids = Object.keys(DOCS).sort();
    for (const run of [a, b]) {
      expect((await reader.getRunResults(run.result.runId)).map((r) => r.doc).sort()).toEqual(ids);
      expect(await reader.getRun(run.result.runId)).toMatchObject({
        status: 'finished',
        summary: { total: 12, pass: 6, fail: 6 },
      });
    }
    const states = await reader.listDocStates();
    expect(states.map((s) => s.doc)).toEqual(ids);
    for (const s of states) {
      expect([a.result.runId, b.result.runId]).toContain(s.lastRunId);
      // Both runs' results were applied: two failures in a row, not one.
      expect(s.consecutiveFailures, s.doc).toBe(s.doc.startsWith('bad/') ? 2 : 0);
      expect(s.outcome, s.doc).toBe(s.doc.startsWith('bad/') ? 'fail' : 'pass');
    }
  });

  it('admits exactly one of several concurrent holders of the run lock', async () => {
    const newStore = await factory();
    const now = new Date();
    const won = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        newStore().acquireLock('scheduled-run', `runner-${i}`, 60_000, now),
      ),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('decides a business transition once: one spam_flagged alert across both runs, none on a later run', async () => {
    const newStore = await factory();
    const sinks = [collectingSink(), collectingSink(), collectingSink()];
    const docs = { 'communication/post_platform_v1_messages.md': SPAM_DOC };
    const runs = await Promise.all(
      sinks
        .slice(0, 2)
        .map((alerts) => runWith({ docs, baseUrl: t.fs.url, http: t.http, alerts }, newStore())),
    );
    for (const run of runs) expect(run.docs[0]?.outcome).toBe('blocked');
    const alerts = sinks.flatMap((s) => s.published);
    expect(alerts.map((x) => x.type)).toEqual(['business.spam_flagged']);
    expect(alerts[0]?.idempotencyKey).toBe('biz-1#1');
    const events = runs.flatMap((r) => r.events.filter((e) => e.type === 'alert'));
    expect(events).toHaveLength(1);
    const later = await runWith({ docs, baseUrl: t.fs.url, http: t.http, alerts: sinks[2] }, newStore());
    expect(later.docs[0]?.outcome).toBe('blocked');
    expect(sinks[2]?.published).toEqual([]);
    expect(await newStore().getBusiness('biz-1')).toMatchObject({ condition: 'spam_flagged', version: 1 });
  });
});
