// The health digest (issue 12): open incidents, invalid docs, flapping docs and mutes in force, built
// once from the state store and rendered as text. The CLI's `verifier digest` prints it; on AWS the
// digest Lambda publishes it to the alert topic as one `digest` message. Pure but for the reads.
import type { DocState, DocStateFilter } from '../ports.js';
import { describeScope, isActive } from './mutes.js';
import {
  type HealthStore,
  type IncidentData,
  incidentSchema,
  type MuteData,
  muteSchema,
  parseRecord,
} from './records.js';

export interface DigestSources {
  readonly health: Pick<HealthStore, 'listHealth'>;
  readonly listDocStates?: (filter?: DocStateFilter) => Promise<readonly DocState[]>;
}

export interface Digest {
  readonly type: 'digest';
  readonly at: string;
  readonly openIncidents: readonly IncidentData[];
  readonly invalidDocs: readonly { readonly doc: string; readonly reason?: string }[];
  readonly flappingDocs: readonly IncidentData[];
  readonly mutes: readonly MuteData[];
}

/** Mutes in force at `at` or starting later, soonest to end first. */
export async function activeMutes(store: Pick<HealthStore, 'listHealth'>, at: string): Promise<MuteData[]> {
  const all = (await store.listHealth('mute')).map((r) => parseRecord(muteSchema, r));
  return all.filter((m) => isActive(m, at) || m.from > at).sort((a, b) => (a.until < b.until ? -1 : 1));
}

export async function buildDigest(src: DigestSources, at: string): Promise<Digest> {
  const incidents = (await src.health.listHealth('incident')).map((r) => parseRecord(incidentSchema, r));
  const byDoc = (a: IncidentData, b: IncidentData) => (a.doc < b.doc ? -1 : 1);
  const invalid = src.listDocStates ? await src.listDocStates({ outcome: 'invalid' }) : [];
  return {
    type: 'digest',
    at,
    openIncidents: incidents.filter((i) => i.state === 'open').sort(byDoc),
    invalidDocs: invalid.map((d) => ({ doc: d.doc, ...(d.reason ? { reason: d.reason } : {}) })),
    flappingDocs: incidents.filter((i) => i.flapping).sort(byDoc),
    mutes: await activeMutes(src.health, at),
  };
}

export function renderDigestText(d: Digest): string {
  const lines = [`Verifier digest, ${d.at}`, '', `Open incidents (${d.openIncidents.length}):`];
  for (const i of d.openIncidents) {
    lines.push(
      `  - [${i.domain}] ${i.endpoint ?? i.doc}: ${i.consecutiveFailures} failing run(s) since ${i.failingSince ?? '?'}`,
    );
  }
  lines.push('', `Invalid docs (${d.invalidDocs.length}):`);
  for (const x of d.invalidDocs) lines.push(`  - ${x.doc}${x.reason ? `: ${x.reason}` : ''}`);
  lines.push('', `Flapping docs (${d.flappingDocs.length}):`);
  for (const i of d.flappingDocs) lines.push(`  - [${i.domain}] ${i.endpoint ?? i.doc}`);
  lines.push('', `Mutes (${d.mutes.length}):`);
  for (const m of d.mutes)
    lines.push(`  - ${m.id}: ${describeScope(m.scope)} until ${m.until}${m.reason ? ` (${m.reason})` : ''}`);
  return `${lines.join('\n')}\n`;
}
