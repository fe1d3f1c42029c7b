import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAlertOutbox } from '../../lambda/adapters/dynamodb/alert-outbox.js';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createVerifyHandler } from '../../lambda/handlers/verify.js';
import { createSandbox, type Sandbox, type SandboxFault } from '../../sandbox/server.js';
import {
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  createStateTable,
  fakeContext,
} from '../support/aws-services.js';
import {
  alertContext,
  insertRecord,
  outboxAlertHandler,
  outboxItems,
  streamBatch,
} from '../support/outbox-stream.js';
import { deploySeeds, type SeedDeployment, seedVerifyDeps } from '../support/seed-deployment.js';
import { type SnsStub, startSnsStub } from '../support/sns-stub.js';

const raw = createDynamoClient();
const dynamo = createDocumentClient(raw);
const s3 = createS3Client();
let seeds: SeedDeployment;
let sns: SnsStub;

beforeAll(async () => {
  seeds = await deploySeeds(s3, 'outbox', { seed: 7 });
  sns = await startSnsStub();
});
afterAll(async () => {
  await sns.close();
  await seeds.close();
});

/** One table; each run against the given sandbox (same seed: same business and tokens). */
async function verifier() {
  const tableName = await createStateTable(raw, 'vout');
  const store = createDynamoStateStore({ client: dynamo, tableName, skipUnchangedDocStates: true });
  const alerts = createDynamoAlertOutbox({ client: dynamo, tableName });
  const run = async (target: Sandbox) => {
    const handler = createVerifyHandler({
      ...seedVerifyDeps(seeds, s3, store, { target, config: { failAfter: 1, targetName: 'staging' } }),
      alerts,
      logger: new Logger({ serviceName: 'verifier', logLevel: 'SILENT' }),
    });
    const out = await handler({}, fakeContext());
    expect(out.status).toBe('finished');
  };
  /** The alert types the outbox holds, in run order, and what SNS received for them (twice delivered). */
  const published = async () => {
    const items = await outboxItems(raw, tableName);
    const records = items.map(insertRecord);
    const handler = await outboxAlertHandler(sns, raw);
    const before = sns.published.length;
    await handler(streamBatch(records), alertContext);
    await handler(streamBatch(records), alertContext);
    const messages = sns.published.slice(before);
    return { items, messages, types: messages.map((m) => m.MessageAttributes.type?.StringValue) };
  };
  return { run, published };
}

const sandboxWith = (fault: SandboxFault) => createSandbox({ seed: 7, fault });

describe('verify handler with the alert outbox', () => {
  it('a doc that opens and closes 3 times raises one doc.flapping on SNS, then nothing', async () => {
    const broken = await sandboxWith({ kind: 'outage', path: '/platform/v1/staffs' });
    try {
      const v = await verifier();
      for (let cycle = 0; cycle < 4; cycle++) {
        await v.run(broken);
        await v.run(seeds.sandbox);
      }
      const { types, messages } = await v.published();
      // Messages come in item order (sk = type#key), so count them rather than order them.
      expect(types.filter((t) => t === 'doc.flapping')).toHaveLength(1);
      expect(types.filter((t) => t === 'doc.failing')).toHaveLength(3);
      expect(types.filter((t) => t === 'doc.recovered')).toHaveLength(2);
      const flap = messages.find((m) => m.MessageAttributes.type?.StringValue === 'doc.flapping');
      // The outage breaks every doc whose steps reach /platform/v1/staffs: one grouped alert for them all.
      const docs = JSON.parse(JSON.parse(flap?.Message ?? '{}').default).docs as {
        doc: string;
        cycles: number;
      }[];
      expect(docs.map((d) => d.doc)).toContain('platform_administration/get_platform_v1_staffs.md');
      expect(docs.every((d) => d.cycles === 3)).toBe(true);
    } finally {
      await broken.close();
    }
  }, 240_000);

  it('a revoked token: one credential.rejected on SNS, none for the docs it broke; no token in any item or message', async () => {
    const revoked = await sandboxWith({ kind: 'token-revoked', tokenType: 'staff' });
    try {
      const v = await verifier();
      await v.run(revoked);
      await v.run(revoked);
      const { items, messages, types } = await v.published();
      const bodies = messages.map((m) => JSON.parse(JSON.parse(m.Message ?? '{}').default));
      // The sandbox revokes every principal of type staff: the staff and directory tokens. Each is one
      // credential.rejected (critical), once over two runs, and the docs they broke raise nothing.
      const rejected = bodies.filter((b) => b.type === 'credential.rejected');
      expect(rejected.map((b) => b.subject).sort()).toEqual(['directory', 'staff']);
      expect(rejected.map((b) => b.severity)).toEqual(['critical', 'critical']);
      expect(types.filter((t) => t === 'credential.rejected')).toHaveLength(2);
      const evidenced = new Set(
        rejected.flatMap((b) => b.evidence.examples.map((e: { doc: string }) => e.doc)),
      );
      const failing = bodies.filter((b) => b.type === 'doc.failing');
      expect(failing.length).toBeLessThanOrEqual(1);
      // Only docs whose 401 came with a token type sent fewer than minMatches (3) times in the run
      // (client, app) still open incidents: the rule cannot tell a revoked token from one bad call.
      for (const d of failing.flatMap((b) => b.docs as { doc: string }[]))
        expect(evidenced.has(d.doc)).toBe(false);
      const text = JSON.stringify(items) + JSON.stringify(messages);
      for (const token of Object.values(seeds.sandbox.tokens.tokens))
        expect(text).not.toContain(String(token));
    } finally {
      await revoked.close();
    }
  }, 240_000);
});
