// Entry of the in-process workload child (dist/bench-runner.mjs), for what the CLI cannot show:
//   growth: runDocs N times in one process against one local state store; RSS and heap after gc,
//   and each run's CPU and wall (runs after the first are what a warm Lambda container does).
//   dynamo: runDocs against the DynamoDB state store on dynalite started here; the store's writes.
// Prints one JSON object on stdout. Run with --expose-gc for the growth mode.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DOCS_INDEX_PK, keys, STATE_TABLE, stateTableInput } from '../lambda/adapters/dynamodb/schema.js';
import { createDynamoStateStore } from '../lambda/adapters/dynamodb/state-store.js';
import { createUndiciHttpClient } from '../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { type StateStore, systemClock } from '../lambda/engine/ports.js';
import { runDocs } from '../lambda/engine/run/run-docs.js';
import type { Credentials, Target } from '../lambda/engine/target.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    docs: { type: 'string' },
    'base-url': { type: 'string' },
    'fallback-url': { type: 'string' },
    'partners-url': { type: 'string' },
    tokens: { type: 'string' },
    state: { type: 'string' },
    runs: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
  },
});

async function run(target: Target, store: StateStore, docsDir: string, runId: string) {
  const http = createUndiciHttpClient({ rps: 0 });
  try {
    return await runDocs(
      target,
      { runId, allowDelete: false, concurrency: Number(values.concurrency) },
      { docs: createLocalDocSource(docsDir), http, store, clock: systemClock },
    );
  } finally {
    await http.close();
  }
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    rssMb: m.rss / 2 ** 20,
    heapUsedMb: m.heapUsed / 2 ** 20,
    heapTotalMb: m.heapTotal / 2 ** 20,
    externalMb: m.external / 2 ** 20,
  };
}

async function startDynalite(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (o: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function createTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand(stateTableInput(name)));
}

/** Items a query finds (all pages): what the table really holds, whatever the store counted. */
async function countItems(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    n += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
}

async function main(): Promise<unknown> {
  const credentials = JSON.parse(await readFile(values.tokens ?? '', 'utf8')) as Credentials;
  const target: Target = {
    baseUrl: values['base-url'] ?? '',
    fallbackUrl: values['fallback-url'] ?? '',
    partnersUrl: values['partners-url'] ?? '',
    credentials,
  };
  const docsDir = values.docs ?? '';
  const runs = Number(values.runs);
  if (values.mode === 'growth') {
    const store = createLocalStateStore({ dir: values.state ?? '' });
    const samples: ({ run: number; wallMs?: number; cpuMs?: number } & ReturnType<typeof memory>)[] = [
      { run: 0, ...memory() },
    ];
    for (let i = 1; i <= runs; i++) {
      // CPU (all threads) and wall of the run alone: the gc() of memory() is outside.
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await run(target, store, docsDir, `bench-growth-${i}`);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      samples.push({ run: i, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ...memory() });
    }
    return { samples };
  }
  if (values.mode === 'dynamo') {
    const dynamo = await startDynalite();
    try {
      const raw = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
      await createTable(raw, 'bench-state');
      const perRun = [];
      for (let i = 1; i <= runs; i++) {
        // A fresh store per run, as a cold Lambda container would build it.
        const store = createDynamoStateStore({
          client,
          tableName: 'bench-state',
          skipUnchangedDocStates: true,
        });
        const result = await run(target, store, docsDir, `bench-dynamo-${i}`);
        await store.flush();
        const runId = `bench-dynamo-${i}`;
        const stored = {
          results: await countItems(client, {
            TableName: 'bench-state',
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :doc)',
            ExpressionAttributeValues: { ':pk': keys.run(runId).pk, ':doc': 'DOC#' },
          }),
          docStates: await countItems(client, {
            TableName: 'bench-state',
            IndexName: STATE_TABLE.gsi1.name,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': DOCS_INDEX_PK },
          }),
        };
        perRun.push({ run: i, summary: result.summary, writes: { ...store.writeStats() }, stored });
      }
      raw.destroy();
      return { perRun };
    } finally {
      await dynamo.close();
    }
  }
  throw new Error(`unknown --mode ${values.mode}`);
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (err: unknown) => {
    process.stderr.write(
      `bench-runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
