// Business conditions on the state table: one item per business, written only on the expected
// version (a single-item condition), plus an index item written with its first version so the
// businesses can be listed with one query.
import type { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BusinessState } from '../../engine/model.js';
import { businessItem, fromBusinessItem, type Item } from './items.js';
import { keys } from './schema.js';

const isConditionFailure = (e: unknown) => e instanceof Error && e.name === 'ConditionalCheckFailedException';

export interface BusinessesOptions {
  /** One PutItem (counted by the store as a business write). */
  readonly put: (item: Item, extra?: Partial<PutCommand['input']>) => Promise<void>;
  readonly get: (key: Item) => Promise<Item | undefined>;
  readonly query: (input: {
    KeyConditionExpression: string;
    ExpressionAttributeValues: Item;
  }) => Promise<Item[]>;
}

export function createBusinesses({ put, get, query }: BusinessesOptions) {
  return {
    async get(businessId: string): Promise<BusinessState | undefined> {
      const item = await get(keys.business(businessId));
      return item ? fromBusinessItem(item) : undefined;
    },

    /** Writes `next` only if the stored version is `expectedVersion` (0: absent); false when another writer won. */
    async put(next: BusinessState, expectedVersion: number): Promise<boolean> {
      try {
        await put(
          businessItem(next),
          expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
        );
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
      if (expectedVersion === 0) {
        await put({
          ...keys.businessIndex(next.businessId),
          entity: 'business-index',
          businessId: next.businessId,
        });
      }
      return true;
    },

    async list(): Promise<BusinessState[]> {
      const index = await query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.businessIndex('').pk },
      });
      const found = await Promise.all(index.map((i) => get(keys.business(String(i.businessId)))));
      return found.filter((i): i is Item => i !== undefined).map(fromBusinessItem);
    },
  };
}
