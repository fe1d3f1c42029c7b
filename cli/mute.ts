// `verifier mute | mutes | unmute | digest`: maintenance windows and the health digest, against the
// health records of a state store (local folder by default). Each returns an exit code:
// 0 ok, 1 not found, 2 usage error.
import { randomBytes } from 'node:crypto';
import {
  activeMutes,
  buildDigest,
  type DigestSources,
  renderDigestText,
} from '../lambda/engine/health/digest.js';
import { buildMute, describeScope, MuteError, parseDuration } from '../lambda/engine/health/mutes.js';
import {
  asHealthStore,
  type HealthStore,
  type MuteData,
  type MuteScope,
} from '../lambda/engine/health/records.js';

export { asHealthStore };

export interface MuteCommandOptions {
  readonly doc?: string;
  readonly domain?: string;
  readonly tag?: string;
  readonly all?: boolean;
  readonly for?: string;
  readonly until?: string;
  readonly reason?: string;
  readonly state?: string;
}

export interface HealthIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly now: () => Date;
}

function scopeOf(o: MuteCommandOptions): MuteScope {
  const given = [o.doc, o.domain, o.tag, o.all ? 'all' : undefined].filter((x) => x !== undefined);
  if (given.length !== 1)
    throw new MuteError('give exactly one of --doc GLOB, --domain D, --tag T and --all');
  if (o.doc !== undefined) return { kind: 'doc', glob: o.doc };
  if (o.domain !== undefined) return { kind: 'domain', domain: o.domain };
  if (o.tag !== undefined) return { kind: 'tag', tag: o.tag };
  return { kind: 'all' };
}

export async function muteCommand(store: HealthStore, o: MuteCommandOptions, io: HealthIo): Promise<number> {
  let mute: MuteData;
  try {
    mute = buildMute({
      id: `mute-${randomBytes(4).toString('hex')}`,
      scope: scopeOf(o),
      at: io.now(),
      ...(o.for !== undefined ? { forMs: parseDuration(o.for) } : {}),
      ...(o.until !== undefined ? { until: o.until } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
    });
  } catch (err) {
    if (err instanceof MuteError) {
      io.stderr(`verifier mute: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  await store.putHealth('mute', mute.id, mute, 0, mute.createdAt);
  io.stdout(
    `${mute.id}: ${describeScope(mute.scope)} muted until ${mute.until}${mute.reason ? ` (${mute.reason})` : ''}\n`,
  );
  return 0;
}

export async function mutesCommand(store: HealthStore, io: HealthIo): Promise<number> {
  const mutes = await activeMutes(store, io.now().toISOString());
  if (mutes.length === 0) io.stdout('no mutes in force\n');
  for (const m of mutes) {
    io.stdout(`${m.id}  ${describeScope(m.scope)}  until ${m.until}${m.reason ? `  ${m.reason}` : ''}\n`);
  }
  return 0;
}

export async function unmuteCommand(store: HealthStore, id: string, io: HealthIo): Promise<number> {
  const record = await store.getHealth('mute', id);
  if (!record) {
    io.stderr(`verifier unmute: no mute "${id}" (see \`verifier mutes\`)\n`);
    return 1;
  }
  if (!(await store.deleteHealth('mute', id, record.version))) {
    io.stderr(`verifier unmute: "${id}" changed while removing it; try again\n`);
    return 1;
  }
  io.stdout(`${id}: removed\n`);
  return 0;
}

/** Open incidents, invalid docs, flapping docs and mutes in force, as plain text. */
export async function digestText(src: DigestSources, at: string): Promise<string> {
  return renderDigestText(await buildDigest(src, at));
}
