// A fanned-out run's promises (issue 15): each shard keeps its contract counts next to the run (its
// docs' auth and contract findings are in their stored results), and the finish step adds the counts
// up and settles the auth-matrix transitions once for the whole run, as a one-shard run's settle does.
import type { RunArtifacts } from '../../adapters/s3/run-artifacts.js';
import type { DocResult } from '../../engine/model.js';
import type { StateStore } from '../../engine/ports.js';
import { type AuthAlert, type DocAuth, settleAuthAlerts } from '../../engine/promises/auth-alerts.js';
import type { ContractTotals } from '../../engine/promises/contract-model.js';

const FOLDER = 'contract';
const contractName = (shard: number) => `${FOLDER}/${String(shard).padStart(5, '0')}.json`;

/** Stores one shard's contract counts (when it checked contracts). */
export async function keepShardContract(
  artifacts: RunArtifacts,
  runId: string,
  shard: number,
  totals: ContractTotals | undefined,
): Promise<void> {
  if (totals) await artifacts.put(runId, contractName(shard), totals);
}

/** The run's contract counts: the shards' added up; undefined when no shard checked contracts. */
export async function runContractTotals(
  artifacts: RunArtifacts,
  runId: string,
): Promise<ContractTotals | undefined> {
  const names = await artifacts.list(runId, FOLDER);
  if (names.length === 0) return undefined;
  const sum: ContractTotals = { matched: 0, withSchema: 0, valid: 0 };
  for (const name of names) {
    const t = await artifacts.get<ContractTotals>(runId, name);
    if (!t) continue;
    sum.matched += t.matched;
    sum.withSchema += t.withSchema;
    sum.valid += t.valid;
  }
  return sum;
}

/** The auth-matrix transitions of the run's stored results, settled once (the run's settle step). */
export function settleFanOutAuth(
  store: StateStore,
  runId: string,
  at: string,
  docs: readonly DocResult[],
): Promise<AuthAlert[]> {
  const auth: DocAuth[] = docs.flatMap((r) =>
    r.auth?.length
      ? [{ doc: r.doc, domain: r.domain, ...(r.endpoint ? { endpoint: r.endpoint } : {}), auth: r.auth }]
      : [],
  );
  return auth.length > 0 ? settleAuthAlerts(store, { runId, at, docs: auth }) : Promise.resolve([]);
}
