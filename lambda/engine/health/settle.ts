// settleHealth: reads the health records, decides, and applies every write conditionally on the
// version it was decided from. A lost write means another run made that change first: this run
// alerts nothing for it (so two concurrent runs send one alert per transition).
import { alertsFor } from './alerts.js';
import { type DecideHealthInput, decideHealth, type HealthWrite, transitionsOf } from './decide.js';
import type { HealthStore } from './records.js';
import type { HealthAlert } from './types.js';

export interface SettleHealthResult {
  readonly alerts: readonly HealthAlert[];
  /** Writes another writer won (their transitions are not alerted here). */
  readonly lost: readonly HealthWrite[];
  readonly written: number;
}

export type SettleHealthInput = Omit<DecideHealthInput, 'previous'>;

export async function settleHealth(
  store: HealthStore,
  input: SettleHealthInput,
): Promise<SettleHealthResult> {
  const [incidents, conditions, mutes] = await Promise.all([
    store.listHealth('incident'),
    store.listHealth('condition'),
    store.listHealth('mute'),
  ]);
  const decision = decideHealth({ ...input, previous: { incidents, conditions, mutes } });
  const won: HealthWrite[] = [];
  const lost: HealthWrite[] = [];
  for (const w of decision.writes) {
    const ok = await store.putHealth(w.kind, w.key, w.data, w.expectedVersion, input.at);
    (ok ? won : lost).push(w);
  }
  return { alerts: alertsFor(input.runId, input.at, transitionsOf(won)), lost, written: won.length };
}
