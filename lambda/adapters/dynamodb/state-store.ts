// StateStore on one DynamoDB table (key design in schema.ts). Single-item conditional writes only,
// so DynamoDB-compatible local servers can exercise every path. recordDocResult writes the result
// and its history item (batched with other results' items, batch-writer.ts), then the doc state (a
// conditional put, only when changed if asked) and the day's uptime counter (an ADD update), and
// resolves only once all of them are stored: the port's durability rule.

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { BusinessState, Summary } from '../../engine/model.js';
import { byText } from '../../engine/order.js';
import type { DocStateFilter, StateStore } from '../../engine/ports.js';
import { createInFlight } from '../in-flight.js';
import { createBatchWriter, DynamoStateError } from './batch-writer.js';
import { createBusinesses } from './businesses.js';
import { createDocStates } from './doc-states.js';
import { createHealth } from './health.js';
import { createHistory } from './history.js';
import {
  docItem,
  fromDocItem,
  historyItem,
  type Item,
  isExpired,
  resultItem,
  revOfDocItem,
  runItem,
} from './items.js';
import { createLeases } from './leases.js';
import { partitionClient } from './partition.js';
import { createRuns } from './runs.js';
import { DEFAULT_RETENTION_DAYS, DOCS_INDEX_PK, keys, STATE_TABLE } from './schema.js';

export { DynamoStateError };

export interface DynamoStateStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days history items and run records are kept (TTL). @default 30 */
  readonly retentionDays?: number;
  /**
   * Skip the doc-state put when nothing but the run stamp (`lastRunId`, `lastRunAt`) changed, so a
   * scheduled run writes one state item per doc whose state changed. The stamp then names the run
   * that last changed the state. @default false
   */
  readonly skipUnchangedDocStates?: boolean;
  /** @default - the system clock */
  readonly now?: () => Date;
  /** The target whose data this store reads and writes (partition.ts). @default '' (the `default` target) */
  readonly partition?: string;
}

/** Item writes by kind, and BatchWriteItem/PutItem/UpdateItem/DeleteItem requests sent. */
export interface WriteStats {
  run: number;
  result: number;
  history: number;
  uptime: number;
  doc: number;
  business: number;
  health: number;
  lock: number;
  requests: number;
}

export interface DynamoStateStore extends StateStore {
  /** What this instance wrote (the benchmark reports it per run). */
  writeStats(): Readonly<WriteStats>;
}

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

export function createDynamoStateStore(options: DynamoStateStoreOptions): DynamoStateStore {
  const { tableName } = options;
  const client = partitionClient(options.client, options.partition ?? '');
  const retentionSeconds = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400;
  const now = options.now ?? (() => new Date());
  const stats: WriteStats = {
    run: 0,
    result: 0,
    history: 0,
    uptime: 0,
    doc: 0,
    business: 0,
    health: 0,
    lock: 0,
    requests: 0,
  };
  const writer = createBatchWriter({ client, tableName, onRequest: () => stats.requests++ });
  const seq = new Map<string, number>();

  const expiresAt = () => Math.floor(now().getTime() / 1000) + retentionSeconds;
  const live = (item: Item | undefined) => (item && !isExpired(item, now().getTime()) ? item : undefined);

  async function put(item: Item, kind: keyof WriteStats, extra: Partial<PutCommand['input']> = {}) {
    stats.requests++;
    await client.send(new PutCommand({ TableName: tableName, Item: item, ...extra }));
    stats[kind]++;
  }

  async function get(key: Item): Promise<Item | undefined> {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return live(out.Item);
  }

  async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit = Number.POSITIVE_INFINITY) {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await client.send(new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey }));
      for (const item of out.Items ?? []) if (live(item) && items.length < limit) items.push(item);
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey && items.length < limit);
    return items;
  }

  async function loadDocItems(domain?: string): Promise<Item[]> {
    return queryAll({
      IndexName: STATE_TABLE.gsi1.name,
      KeyConditionExpression: domain ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': DOCS_INDEX_PK, ...(domain && { ':prefix': `${domain}#` }) },
    });
  }

  const history = createHistory({
    client,
    tableName,
    query: queryAll,
    allDocs: async () => (await loadDocItems()).map((i) => fromDocItem(i).doc),
    // Set on every bump: a day's counters outlive its last result by the retention period and a day.
    uptimeExpiresAt: () => expiresAt() + 86_400,
    onUpdate: () => {
      stats.requests++;
      stats.uptime++;
    },
  });
  const health = createHealth({
    client,
    tableName,
    get,
    query: (input) => queryAll(input),
    onWrite: () => {
      stats.requests++;
      stats.health++;
    },
  });
  const runs = createRuns({
    client,
    tableName,
    get,
    query: queryAll,
    live: (item) => live(item) !== undefined,
    onRequest: (wrote) => {
      if (wrote) stats.run++;
      else stats.requests++;
    },
  });
  const businesses = createBusinesses({
    put: (item, extra) => put(item, 'business', extra),
    get,
    query: (input) => queryAll(input),
  });
  const leases = createLeases({
    client,
    tableName,
    onRequest: (wrote) => {
      if (wrote) stats.lock++;
      else stats.requests++;
    },
  });
  const inFlight = createInFlight();
  const track = inFlight.track;

  const docStates = createDocStates({
    client,
    tableName,
    skipUnchanged: options.skipUnchangedDocStates ?? false,
    get,
    onPut: () => {
      stats.requests++;
      stats.doc++;
    },
  });

  return {
    async startRun(run) {
      await put(runItem(run, expiresAt()), 'run');
      seq.set(run.runId, 0);
      // One paginated query instead of a read per doc during the run.
      docStates.load(await loadDocItems());
    },

    recordDocResult(runId, result) {
      const n = (seq.get(runId) ?? 0) + 1;
      seq.set(runId, n);
      return track(
        (async () => {
          // The history holds every result a doc state reflects: the result goes first.
          await Promise.all([
            writer.put(resultItem(runId, n, result, expiresAt())).then(() => stats.result++),
            writer.put(historyItem(runId, result, expiresAt())).then(() => stats.history++),
          ]);
          const [state] = await Promise.all([docStates.record(runId, result), history.countResult(result)]);
          return state;
        })(),
      );
    },

    async finishRun(runId, finishedAt, summary: Summary, status = 'finished') {
      await runs.finish(runId, finishedAt, summary, status);
      seq.delete(runId);
    },

    getRun: (runId) => runs.get(runId),
    getRunResults: (runId) => runs.results(runId),
    listRunResults: (runId, limit, cursor) => runs.resultsPage(runId, limit, cursor),
    listRuns: (limit, before) => runs.list(limit, before),

    async getDocState(doc) {
      const item = await get(keys.doc(doc));
      return item ? fromDocItem(item) : undefined;
    },

    async listDocStates(filter: DocStateFilter = {}) {
      const states = (await loadDocItems(filter.domain)).map(fromDocItem);
      return states
        .filter(
          (s) =>
            (filter.domain === undefined || s.domain === filter.domain) &&
            (filter.outcome === undefined || s.outcome === filter.outcome) &&
            (filter.includeRemoved === true || s.removed === undefined),
        )
        .sort((a, b) => byText(a.doc, b.doc));
    },

    async markRemovedDocs(present, runId, at) {
      const found = new Set(present);
      const marked: string[] = [];
      for (const item of await loadDocItems()) {
        const state = fromDocItem(item);
        if (found.has(state.doc) || state.removed) continue;
        // Only over the revision read: a doc a run records meanwhile is present, not removed.
        try {
          await put(docItem({ ...state, removed: { runId, at } }, revOfDocItem(item) + 1), 'doc', {
            ConditionExpression: '#rev = :rev',
            ExpressionAttributeNames: { '#rev': 'rev' },
            ExpressionAttributeValues: { ':rev': revOfDocItem(item) },
          });
          marked.push(state.doc);
        } catch (e) {
          if (!isConditionFailure(e)) throw e;
        }
      }
      return marked.sort(byText);
    },

    listDocHistory: (limit, docs) => history.listHistory(limit, docs),

    async listDocUptime(sinceDay, docs) {
      const rows = await history.listUptime(sinceDay, docs);
      return rows.sort((a, b) => byText(a.doc, b.doc) || byText(a.day, b.day));
    },

    getBusiness: (businessId) => businesses.get(businessId),
    putBusiness: (next: BusinessState, expectedVersion) => businesses.put(next, expectedVersion),
    listBusinesses: () => businesses.list(),

    getHealth: (kind, key) => health.get(kind, key),
    listHealth: (kind) => health.list(kind),
    putHealth: (kind, key, data, expectedVersion, at) => health.put(kind, key, data, expectedVersion, at),
    deleteHealth: (kind, key, expectedVersion) => health.delete(kind, key, expectedVersion),

    acquireLock: (name, owner, leaseMs, at) => leases.acquire(name, owner, leaseMs, at),
    releaseLock: (name, owner) => leases.release(name, owner),

    async flush() {
      await inFlight.settled();
      await writer.flush();
    },
    writeStats: () => ({ ...stats }),
  };
}
