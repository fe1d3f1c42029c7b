// The local store's versioned items: business conditions, health records (incidents, conditions,
// mutes) and lease locks. Each is one JSON file, replaced atomically under its own lock file, and
// written only when its stored version is the one the caller read (0 = absent): a lost race is
// `false`, never an exception.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import type { BusinessState } from '../../../engine/model.js';
import { byText } from '../../../engine/order.js';
import type { HealthKind, HealthRecord, StateStore } from '../../../engine/ports.js';
import { businessStateSchema, healthRecordSchema, type Lease, leaseSchema } from '../../state-schemas.js';
import { listItems, readItem, writeItem } from './items.js';
import { keyToFileName } from './paths.js';

/** Runs `fn` under the store's lock file for (kind, key). */
export type Locked = <T>(kind: string, key: string, fn: () => Promise<T>) => Promise<T>;

type VersionedItems = Pick<
  StateStore,
  | 'getBusiness'
  | 'putBusiness'
  | 'listBusinesses'
  | 'getHealth'
  | 'listHealth'
  | 'putHealth'
  | 'deleteHealth'
  | 'acquireLock'
  | 'releaseLock'
>;

export function createVersionedItems(
  folders: { readonly businesses: string; readonly health: string; readonly locks: string },
  locked: Locked,
): VersionedItems {
  const businessFile = (id: string) => join(folders.businesses, `${keyToFileName(id)}.json`);
  const healthDir = (kind: HealthKind) => join(folders.health, kind);
  const healthFile = (kind: HealthKind, key: string) => join(healthDir(kind), `${keyToFileName(key)}.json`);
  const leaseFile = (name: string) => join(folders.locks, `${keyToFileName(name)}.json`);

  /** Replaces the item at `file` when its stored version is `expectedVersion` (0 = absent). */
  const versioned = <T extends { version: number }>(
    lockKind: string,
    lockKey: string,
    file: string,
    schema: z.ZodType<T>,
    expectedVersion: number,
    write: () => Promise<void>,
  ): Promise<boolean> =>
    locked(lockKind, lockKey, async () => {
      const current = await readItem(file, schema);
      if ((current?.version ?? 0) !== expectedVersion) return false;
      await write();
      return true;
    });

  const versionedHealth = (
    kind: HealthKind,
    key: string,
    expectedVersion: number,
    write: () => Promise<void>,
  ) => versioned(`health-${kind}`, key, healthFile(kind, key), healthRecordSchema, expectedVersion, write);

  return {
    getBusiness: (businessId) => readItem(businessFile(businessId), businessStateSchema),

    putBusiness: (next: BusinessState, expectedVersion) =>
      versioned(
        'business',
        next.businessId,
        businessFile(next.businessId),
        businessStateSchema,
        expectedVersion,
        () => writeItem(businessFile(next.businessId), next),
      ),

    async listBusinesses() {
      const all = await listItems(folders.businesses, businessStateSchema);
      return all.sort((a, b) => byText(a.businessId, b.businessId));
    },

    getHealth: (kind, key) => readItem(healthFile(kind, key), healthRecordSchema),

    async listHealth(kind) {
      const all = await listItems(healthDir(kind), healthRecordSchema);
      return all.filter((r) => r.kind === kind).sort((a, b) => byText(a.key, b.key));
    },

    async putHealth(kind, key, data, expectedVersion, at) {
      await mkdir(healthDir(kind), { recursive: true });
      const record: HealthRecord = { kind, key, version: expectedVersion + 1, data, updatedAt: at };
      healthRecordSchema.parse(record); // a record the store could not read back is refused up front
      return versionedHealth(kind, key, expectedVersion, () => writeItem(healthFile(kind, key), record));
    },

    async deleteHealth(kind, key, expectedVersion) {
      if (expectedVersion <= 0) return false;
      return versionedHealth(kind, key, expectedVersion, () => rm(healthFile(kind, key), { force: true }));
    },

    async acquireLock(name, owner, leaseMs, now) {
      return locked('lease', name, async () => {
        const lease = await readItem(leaseFile(name), leaseSchema);
        const free = !lease || lease.owner === owner || lease.expiresAt <= now.getTime();
        if (!free) return false;
        const next: Lease = {
          name,
          owner,
          acquiredAt: now.toISOString(),
          expiresAt: now.getTime() + leaseMs,
        };
        await writeItem(leaseFile(name), next);
        return true;
      });
    },

    async releaseLock(name, owner) {
      await locked('lease', name, async () => {
        const lease = await readItem(leaseFile(name), leaseSchema);
        if (lease?.owner === owner) await rm(leaseFile(name), { force: true });
      });
    },
  };
}
