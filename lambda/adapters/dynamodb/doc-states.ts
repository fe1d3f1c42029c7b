// Current doc states: one conditional put per doc whose state changed, guarded by a revision number,
// so two runs writing the same doc at once (two containers, two processes) never lose an update: the
// loser re-reads and re-applies its result. Results for one doc within this instance are applied in
// order; states loaded at run start save a read per doc.
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { docStateChanged, nextDocState } from '../../engine/doc-state.js';
import type { DocResult } from '../../engine/model.js';
import type { DocState } from '../../engine/ports.js';
import { DynamoStateError } from './batch-writer.js';
import { docItem, fromDocItem, type Item, revOfDocItem } from './items.js';
import { keys } from './schema.js';

interface Known {
  readonly state: DocState;
  /** Revision of the stored item: 1 after its first write. */
  readonly rev: number;
}

export interface DocStatesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly skipUnchanged: boolean;
  /** Consistent read of one item (undefined when absent or expired). */
  readonly get: (key: Item) => Promise<Item | undefined>;
  readonly onPut: () => void;
  /** @default 10 */
  readonly maxAttempts?: number;
}

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';
const knownOf = (item: Item): Known => ({ state: fromDocItem(item), rev: revOfDocItem(item) });

export function createDocStates(options: DocStatesOptions) {
  const { client, tableName } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const known = new Map<string, Known>();
  let loaded = false;
  const queue = new Map<string, Promise<unknown>>();

  async function read(doc: string, fresh: boolean): Promise<Known | undefined> {
    if (!fresh && (known.has(doc) || loaded)) return known.get(doc);
    const item = await options.get(keys.doc(doc));
    return item ? knownOf(item) : undefined;
  }

  async function apply(runId: string, result: DocResult): Promise<DocState> {
    let prev = await read(result.doc, false);
    for (let attempt = 1; ; attempt++) {
      const next = nextDocState(prev?.state, runId, result);
      if (options.skipUnchanged && prev && !docStateChanged(prev.state, next)) return next;
      const rev = (prev?.rev ?? 0) + 1;
      const condition = !prev
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#rev = :rev',
            ExpressionAttributeNames: { '#rev': 'rev' },
            ExpressionAttributeValues: { ':rev': prev.rev },
          };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: docItem(next, rev), ...condition }));
        options.onPut();
        known.set(result.doc, { state: next, rev });
        return next;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        if (attempt >= maxAttempts) {
          throw new DynamoStateError(
            `doc state "${result.doc}": still conflicting with other writers after ${maxAttempts} attempts`,
            { cause: e },
          );
        }
        // Another writer got there first: start again from what it wrote.
        prev = await read(result.doc, true);
      }
    }
  }

  return {
    /** Replaces what is known with the stored states (called at run start). */
    load(items: readonly Item[]): void {
      known.clear();
      for (const item of items) {
        const k = knownOf(item);
        known.set(k.state.doc, k);
      }
      loaded = true;
    },
    /** Applies one result; results for the same doc are applied one after another. */
    record(runId: string, result: DocResult): Promise<DocState> {
      const previous = queue.get(result.doc) ?? Promise.resolve();
      const done = previous.catch(() => {}).then(() => apply(runId, result));
      const tail = done.catch(() => {});
      queue.set(result.doc, tail);
      void tail.then(() => {
        if (queue.get(result.doc) === tail) queue.delete(result.doc);
      });
      return done;
    },
  };
}
