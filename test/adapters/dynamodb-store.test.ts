// DynamoDB-specific behaviour of the state store, against dynalite: write counts per run, acknowledgement,
// validated reads,
// TTL filtering on read, leases, conditional business writes, pagination. (The shared StateStore
// contract runs in dynamodb-state.test.ts.)
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import type { BusinessState, DocResult, Outcome } from '../../lambda/engine/model.js';
import { emptySummary } from '../../lambda/engine/model.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';

const raw = createDynamoClient();
const client = createDocumentClient(raw);
let tableName: string;
beforeAll(async () => {
  tableName = await createStateTable(raw);
});

const result = (doc: string, outcome: Outcome, startedAt = '2026-01-01T00:00:00.000Z'): DocResult => ({
  doc,
  domain: doc.split('/')[0] ?? 'x',
  outcome,
  durationMs: 5,
  startedAt,
  steps: [],
});

async function runOnce(
  store: ReturnType<typeof createDynamoStateStore>,
  runId: string,
  docs: [string, Outcome][],
) {
  const startedAt = `2026-01-01T00:${runId.slice(-2)}:00.000Z`;
  await store.startRun({ runId, startedAt, status: 'running' });
  for (const [doc, outcome] of docs) await store.recordDocResult(runId, result(doc, outcome, startedAt));
  await store.finishRun(runId, startedAt, { ...emptySummary(), total: docs.length });
}

describe('DynamoDB state store', () => {
  it('writes per run: one result, history item and uptime bump per doc, doc states only when changed', async () => {
    const store = createDynamoStateStore({
      client,
      tableName: await createStateTable(raw),
      skipUnchangedDocStates: true,
    });
    const docs: [string, Outcome][] = Array.from({ length: 30 }, (_, i) => [`billing/doc-${i}.md`, 'pass']);
    const runConcurrently = async (runId: string, list: [string, Outcome][]) => {
      const startedAt = `2026-01-01T00:${runId.slice(-2)}:00.000Z`;
      await store.startRun({ runId, startedAt, status: 'running' });
      await Promise.all(
        list.map(([doc, outcome]) => store.recordDocResult(runId, result(doc, outcome, startedAt))),
      );
      await store.finishRun(runId, startedAt, { ...emptySummary(), total: list.length });
    };
    await runConcurrently('batch-01', docs);
    const first = store.writeStats();
    expect(first).toMatchObject({ result: 30, history: 30, uptime: 30, doc: 30, run: 2 });
    // 60 items batched in a few requests, then 30 state puts, 30 counter updates and 2 run writes
    expect(first.requests).toBeLessThanOrEqual(8 + 30 + 30 + 2);

    const changed = docs.map(([d], i): [string, Outcome] => [d, i < 3 ? 'fail' : 'pass']);
    await runConcurrently('batch-02', changed);
    const second = store.writeStats();
    expect(second.result - first.result).toBe(30);
    expect(second.history - first.history).toBe(30);
    expect(second.uptime - first.uptime).toBe(30);
    expect(second.doc - first.doc).toBe(3);
    expect((await store.getRunResults('batch-02')).map((r) => r.doc).sort()).toEqual(
      docs.map(([d]) => d).sort(),
    );
    expect(await store.getDocState('billing/doc-0.md')).toMatchObject({
      outcome: 'fail',
      consecutiveFailures: 1,
    });
    expect(await store.getDocState('billing/doc-5.md')).toMatchObject({
      outcome: 'pass',
      lastRunId: 'batch-01',
    });
    expect(await store.listDocUptime('2026-01-01', ['billing/doc-0.md'])).toEqual([
      { doc: 'billing/doc-0.md', day: '2026-01-01', runs: 2, passed: 1, counted: 2 },
    ]);
  });

  it('loses no history item when many docs finish at once (concurrent batch flushes)', async () => {
    const store = createDynamoStateStore({ client, tableName: await createStateTable(raw) });
    const runId = 'burst-01';
    await store.startRun({ runId, startedAt: '2026-01-01T00:01:00.000Z', status: 'running' });
    const docs = Array.from({ length: 350 }, (_, i) => `burst/doc-${String(i).padStart(3, '0')}.md`);
    // Ten lanes, like a run at concurrency 10: each records its docs one after another.
    await Promise.all(
      Array.from({ length: 10 }, async (_, lane) => {
        for (const doc of docs.filter((_, i) => i % 10 === lane)) {
          await store.recordDocResult(runId, result(doc, 'pass'));
        }
      }),
    );
    await store.finishRun(runId, '2026-01-01T00:02:00.000Z', { ...emptySummary(), total: docs.length });
    const stored = await store.getRunResults(runId);
    expect(stored.map((r) => r.doc).sort()).toEqual(docs);
    expect(store.writeStats()).toMatchObject({ result: 350, history: 350 });
    expect((await store.listDocHistory(5)).size).toBe(350);
  });

  it('acknowledges a result only once its items are in the table (no flush needed)', async () => {
    const table = await createStateTable(raw);
    const store = createDynamoStateStore({ client, tableName: table });
    await store.startRun({ runId: 'ack-01', startedAt: '2026-01-01T00:01:00.000Z', status: 'running' });
    await store.recordDocResult('ack-01', result('slow/a.md', 'fail'));
    // Read straight from the table, at once.
    const count = async (pk: string) =>
      (
        await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
          }),
        )
      ).Items?.length ?? 0;
    expect(await count('RUN#ack-01')).toBe(2); // the run record and the result
    expect(await count('HIST#slow/a.md')).toBe(1);
    expect(await count('UPTIME#slow/a.md')).toBe(1);
    expect(await count('DOC#slow/a.md')).toBe(1);
  });

  it('rejects the caller when its result cannot be written (it is never only logged)', async () => {
    const store = createDynamoStateStore({ client, tableName: 'no-such-table' });
    await expect(store.recordDocResult('r1', result('a/x.md', 'pass'))).rejects.toThrow(
      /non-existent table|not found/i,
    );
    await store.flush();
  });

  it('reports an item that is not what the store writes, naming it, instead of casting it', async () => {
    const table = await createStateTable(raw);
    const store = createDynamoStateStore({ client, tableName: table });
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'DOC#x/old.md', sk: 'STATE', doc: 'x/old.md', domain: 'x', outcome: 'pass' },
      }),
    );
    await expect(store.getDocState('x/old.md')).rejects.toThrow(
      /doc state item DOC#x\/old\.md \/ STATE: unexpected content/,
    );
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'BUSINESS#b', sk: 'STATE', businessId: 'b', condition: 'weird' },
      }),
    );
    await expect(store.getBusiness('b')).rejects.toThrow(
      /business item BUSINESS#b \/ STATE: unexpected content/,
    );
    // a doc state without a revision (no version of the store wrote one) is refused, not overwritten
    const norev = {
      pk: 'DOC#x/norev.md',
      sk: 'STATE',
      doc: 'x/norev.md',
      domain: 'x',
      outcome: 'pass',
      since: 'a',
      consecutiveFailures: 0,
      lastRunId: 'r0',
      lastRunAt: 'a',
    };
    await client.send(new PutCommand({ TableName: table, Item: norev }));
    await expect(store.recordDocResult('r1', result('x/norev.md', 'fail'))).rejects.toThrow(/rev/);
  });

  it('loses no update when two store instances (two Lambdas) write the same doc', async () => {
    const table = await createStateTable(raw);
    const a = createDynamoStateStore({ client, tableName: table });
    const b = createDynamoStateStore({ client, tableName: table });
    await a.startRun({ runId: 'ra', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    await b.startRun({ runId: 'rb', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' });
    // Both loaded the same (empty) states; each applies three failures, interleaved.
    await Promise.all(
      [0, 1, 2].flatMap((i) => [
        a.recordDocResult('ra', result('x/d.md', 'fail', `2026-01-01T00:0${i}:00.000Z`)),
        b.recordDocResult('rb', result('x/d.md', 'fail', `2026-01-01T00:0${i}:30.000Z`)),
      ]),
    );
    expect((await a.getDocState('x/d.md'))?.consecutiveFailures).toBe(6);
    const stored = await client.send(
      new GetCommand({ TableName: table, Key: { pk: 'DOC#x/d.md', sk: 'STATE' } }),
    );
    expect(stored.Item?.rev).toBe(6);
  });

  it('writes every doc state by default, keeping the run stamp current', async () => {
    const store = createDynamoStateStore({ client, tableName });
    await runOnce(store, 'stamp-01', [['a/x.md', 'pass']]);
    await runOnce(store, 'stamp-02', [['a/x.md', 'pass']]);
    expect(await store.getDocState('a/x.md')).toMatchObject({
      lastRunId: 'stamp-02',
      since: '2026-01-01T00:01:00.000Z',
    });
  });

  it('gives history items a TTL from the retention period and hides expired items on read', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const table = await createStateTable(raw);
    const store = createDynamoStateStore({ client, tableName: table, retentionDays: 2, now: () => now });
    await runOnce(store, 'ttl-01', [['a/y.md', 'pass']]);
    const items = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RUN#ttl-01' },
      }),
    );
    const history = items.Items?.find((i) => String(i.sk).startsWith('DOC#'));
    expect(history?.expiresAt).toBe(now.getTime() / 1000 + 2 * 86_400);
    expect(await store.getRunResults('ttl-01')).toHaveLength(1);
    now = new Date('2026-03-03T00:00:01Z');
    expect(await store.getRunResults('ttl-01')).toHaveLength(0);
    expect(await store.getRun('ttl-01')).toBeUndefined();
    expect(await store.listRuns(10)).toEqual([]);
    // The doc's current state is not history: it never expires.
    expect(await store.getDocState('a/y.md')).toMatchObject({ outcome: 'pass' });
  });

  it('lists runs most recent first across index pages', async () => {
    const store = createDynamoStateStore({ client, tableName: await createStateTable(raw) });
    for (let i = 10; i < 15; i++) await runOnce(store, `list-${i}`, []);
    expect((await store.listRuns(3)).map((r) => r.runId)).toEqual(['list-14', 'list-13', 'list-12']);
    expect(await store.listRuns(100)).toHaveLength(5);
  });

  it('keeps business items in the fixed shape the alert Lambda reads, with conditional versions', async () => {
    const store = createDynamoStateStore({ client, tableName });
    const flagged: BusinessState = {
      businessId: 'b-1',
      condition: 'spam_flagged',
      since: '2026-01-01T00:00:00.000Z',
      affectedDocs: ['communication/post.md'],
      version: 1,
      runId: 'r1',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(await store.putBusiness(flagged, 0)).toBe(true);
    expect(await store.putBusiness({ ...flagged, version: 1 }, 0)).toBe(false);
    expect(await store.putBusiness({ ...flagged, condition: 'ok', version: 2 }, 1)).toBe(true);
    expect(await store.putBusiness({ ...flagged, version: 2 }, 1)).toBe(false);
    const item = await client.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'BUSINESS#b-1', sk: 'STATE' } }),
    );
    expect(item.Item).toEqual({
      pk: 'BUSINESS#b-1',
      sk: 'STATE',
      entity: 'business',
      ...flagged,
      condition: 'ok',
      version: 2,
    });
    expect(await store.listBusinesses()).toEqual([{ ...flagged, condition: 'ok', version: 2 }]);
  });

  it('refuses a held lease, and grants it once the lease expired', async () => {
    const store = createDynamoStateStore({ client, tableName });
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await store.acquireLock('run', 'a', 60_000, t0)).toBe(true);
    expect(await store.acquireLock('run', 'b', 60_000, new Date(t0.getTime() + 59_000))).toBe(false);
    expect(await store.acquireLock('run', 'b', 60_000, new Date(t0.getTime() + 61_000))).toBe(true);
    await store.releaseLock('run', 'a'); // not a's any more: a no-op
    expect(await store.acquireLock('run', 'c', 60_000, new Date(t0.getTime() + 62_000))).toBe(false);
    await store.releaseLock('run', 'b');
    expect(await store.acquireLock('run', 'c', 60_000, new Date(t0.getTime() + 62_000))).toBe(true);
  });

  it('refuses to finish a run that never started, naming it', async () => {
    const store = createDynamoStateStore({ client, tableName });
    await expect(store.finishRun('ghost', 'x', emptySummary())).rejects.toThrow(
      /run "ghost" was never started/,
    );
  });

  it('ignores items of other entities when listing doc states', async () => {
    const table = await createStateTable(raw);
    const store = createDynamoStateStore({ client, tableName: table });
    await runOnce(store, 'mix-01', [
      ['b/two.md', 'fail'],
      ['a/one.md', 'pass'],
    ]);
    await client.send(
      new PutCommand({ TableName: table, Item: { pk: 'OTHER', sk: 'X', gsi1pk: 'ELSE', gsi1sk: 'a#' } }),
    );
    expect((await store.listDocStates()).map((s) => s.doc)).toEqual(['a/one.md', 'b/two.md']);
    expect((await store.listDocStates({ domain: 'b' })).map((s) => s.doc)).toEqual(['b/two.md']);
    expect((await store.listDocStates({ outcome: 'pass' })).map((s) => s.doc)).toEqual(['a/one.md']);
  });
});
