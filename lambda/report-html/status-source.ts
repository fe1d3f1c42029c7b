// What the status page reads from the state: the StateStore port's read side, history and uptime
// included (both stores keep them as results are recorded, so no run's full results are re-read).
import type { StateStore } from '../engine/ports.js';

export type { DocHistoryEntry, DocUptime, HealthKind, HealthRecord } from '../engine/ports.js';

export type StatusSource = Pick<
  StateStore,
  | 'listRuns'
  | 'listDocStates'
  | 'getRunResults'
  | 'listBusinesses'
  | 'listHealth'
  | 'listDocHistory'
  | 'listDocUptime'
>;
