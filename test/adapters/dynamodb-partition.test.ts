// Per-target partitions (issue 14): two targets on one state table never see each other's runs, doc
// states, history, businesses or health; the `default` target keeps the plain keys. The whole store
// contract also runs inside a partition that shares its table with another target's data.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../lambda/adapters/dynamodb/partition.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { business, describeStateStoreContract, docResult } from '../contract/state-store.contract.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';

const raw = createDynamoClient();
const client = createDocumentClient(raw);
const T = '2026-01-01T00:00:00.000Z';

describeStateStoreContract('DynamoDB, target partition "eu" beside target "us"', async () => {
  const tableName = await createStateTable(raw);
  // Another target's data in the same table: the contract must not see any of it.
  const us = createDynamoStateStore({ client, tableName, partition: 'us' });
  await us.startRun({ runId: 'r1', startedAt: T, status: 'running' });
  await us.recordDocResult('r1', docResult('a/x.md', 'fail', T));
  await us.putHealth('incident', 'a/x.md', { open: true }, 0, T);
  await us.flush();
  return {
    store: createDynamoStateStore({ client, tableName, partition: 'eu' }),
    reopen: () => createDynamoStateStore({ client, tableName, partition: 'eu' }),
  };
});

describe('target partitions', () => {
  it('keep two targets’ runs, doc states, history, businesses and health apart; default keeps plain keys', async () => {
    const tableName = await createStateTable(raw);
    const stores = {
      default: createDynamoStateStore({ client, tableName, partition: partitionOf('default') }),
      eu: createDynamoStateStore({ client, tableName, partition: partitionOf('eu') }),
    };
    for (const [name, store] of Object.entries(stores)) {
      await store.startRun({ runId: `run-${name}`, startedAt: T, status: 'running' });
      await store.recordDocResult(`run-${name}`, docResult(`${name}/doc.md`, 'pass', T));
      await store.putBusiness(business(`b-${name}`, 1), 0);
      await store.putHealth('mute', `m-${name}`, { by: name }, 0, T);
      await store.flush();
    }
    for (const [name, store] of Object.entries(stores)) {
      expect((await store.listRuns(10)).map((r) => r.runId)).toEqual([`run-${name}`]);
      expect((await store.listDocStates()).map((s) => s.doc)).toEqual([`${name}/doc.md`]);
      expect([...(await store.listDocHistory(5)).keys()]).toEqual([`${name}/doc.md`]);
      expect((await store.listBusinesses()).map((b) => b.businessId)).toEqual([`b-${name}`]);
      expect((await store.listHealth('mute')).map((h) => h.key)).toEqual([`m-${name}`]);
      const other = name === 'eu' ? 'default' : 'eu';
      expect(await store.getRun(`run-${other}`)).toBeUndefined();
      expect(await store.getDocState(`${other}/doc.md`)).toBeUndefined();
    }
    // The default target's items keep the keys a stack from before targets wrote; the other's carry
    // its name after the tag (the stream's consumers still select HEALTH# and entity).
    const items = (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const pks = items.map((i) => String(i.pk));
    expect(pks).toContain('RUN#run-default');
    expect(pks).toContain('RUN#@eu#run-eu');
    expect(pks).toContain('HEALTH#mute');
    expect(pks).toContain('HEALTH#@eu#mute');
  });
});
