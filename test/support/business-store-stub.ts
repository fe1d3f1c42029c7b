// An in-memory StateStore stand-in with only the business methods, for the conditions tests.
// Every call yields to the event loop first, so concurrent callers really interleave.
import type { BusinessState } from '../../lambda/engine/model.js';
import type { StateStore } from '../../lambda/engine/ports.js';

export interface BusinessStoreStub extends StateStore {
  /** Every successful write, in order. */
  readonly writes: BusinessState[];
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const notHere = (name: string) => () =>
  Promise.reject(new Error(`business-store-stub: ${name} is not implemented`));

export function createBusinessStoreStub(): BusinessStoreStub {
  const items = new Map<string, BusinessState>();
  const writes: BusinessState[] = [];
  return {
    writes,
    async getBusiness(id) {
      await tick();
      const b = items.get(id);
      return b ? structuredClone(b) : undefined;
    },
    async putBusiness(next, expectedVersion) {
      await tick();
      const stored = items.get(next.businessId)?.version ?? 0;
      if (stored !== expectedVersion) return false;
      items.set(next.businessId, structuredClone(next));
      writes.push(structuredClone(next));
      return true;
    },
    async listBusinesses() {
      await tick();
      return [...items.values()];
    },
    startRun: notHere('startRun'),
    recordDocResult: notHere('recordDocResult'),
    finishRun: notHere('finishRun'),
    getRun: notHere('getRun'),
    getRunResults: notHere('getRunResults'),
    listRunResults: notHere('listRunResults'),
    markRemovedDocs: notHere('markRemovedDocs'),
    listRuns: notHere('listRuns'),
    getDocState: notHere('getDocState'),
    listDocStates: notHere('listDocStates'),
    listDocHistory: notHere('listDocHistory'),
    listDocUptime: notHere('listDocUptime'),
    getHealth: notHere('getHealth'),
    listHealth: notHere('listHealth'),
    putHealth: notHere('putHealth'),
    deleteHealth: notHere('deleteHealth'),
    acquireLock: notHere('acquireLock'),
    releaseLock: notHere('releaseLock'),
    flush: async () => {},
  };
}
