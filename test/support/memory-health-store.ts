// An in-memory HealthStore with the same conditional-write semantics as the local and DynamoDB
// stores: a put or delete succeeds only on the expected version (0 = must not exist).
import type { HealthKind, HealthRecord, HealthStore } from '../../lambda/engine/health/records.js';

export interface MemoryHealthStore extends HealthStore {
  readonly records: Map<string, HealthRecord>;
}

export function createMemoryHealthStore(): MemoryHealthStore {
  const records = new Map<string, HealthRecord>();
  const id = (kind: HealthKind, key: string) => `${kind}#${key}`;
  // Each read gets a copy, as a real store returns a fresh document.
  const copy = (r: HealthRecord): HealthRecord => structuredClone(r);
  return {
    records,
    async getHealth(kind, key) {
      const r = records.get(id(kind, key));
      return r ? copy(r) : undefined;
    },
    async listHealth(kind) {
      return [...records.values()].filter((r) => r.kind === kind).map(copy);
    },
    async putHealth(kind, key, data, expectedVersion, at) {
      const current = records.get(id(kind, key));
      if ((current?.version ?? 0) !== expectedVersion) return false;
      records.set(id(kind, key), {
        kind,
        key,
        version: expectedVersion + 1,
        data: structuredClone(data),
        updatedAt: at,
      });
      return true;
    },
    async deleteHealth(kind, key, expectedVersion) {
      const current = records.get(id(kind, key));
      if (!current || current.version !== expectedVersion) return false;
      records.delete(id(kind, key));
      return true;
    },
  };
}
