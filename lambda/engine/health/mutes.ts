// Mutes (maintenance windows): a muted doc still runs and records its results; it raises no alert.
// Pure: which mutes are in force at a time, whether one covers a doc, and building a new one.
import picomatch from 'picomatch';
import type { MuteData, MuteScope } from './records.js';

export class MuteError extends Error {
  override readonly name = 'MuteError';
}

export interface MutedSubject {
  readonly doc: string;
  readonly domain: string;
  readonly tags?: readonly string[];
}

export const isActive = (m: MuteData, at: string): boolean => m.from <= at && at < m.until;

export function covers(scope: MuteScope, d: MutedSubject): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'domain':
      return d.domain === scope.domain;
    case 'tag':
      return (d.tags ?? []).includes(scope.tag);
    case 'doc':
      return picomatch(scope.glob, { dot: true })(d.doc);
  }
}

/** A predicate telling whether a doc is muted at `at` by any of `mutes`. */
export function mutedAt(mutes: readonly MuteData[], at: string): (d: MutedSubject) => boolean {
  const active = mutes.filter((m) => isActive(m, at));
  return (d) => active.some((m) => covers(m.scope, d));
}

/** True when an `--all` mute is in force: target conditions are silenced too. */
export const allMuted = (mutes: readonly MuteData[], at: string): boolean =>
  mutes.some((m) => m.scope.kind === 'all' && isActive(m, at));

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `2h`, `1h30m`, `7d` → milliseconds. */
export function parseDuration(text: string): number {
  const t = text.replace(/\s+/g, '');
  if (!/^(\d+[smhdw])+$/.test(t)) {
    throw new MuteError(`a duration such as "90m", "2h", "1h30m" or "7d" was expected, got "${text}"`);
  }
  let total = 0;
  for (const m of t.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
  if (total <= 0) throw new MuteError(`a duration longer than zero was expected, got "${text}"`);
  return total;
}

export interface NewMute {
  readonly id: string;
  readonly scope: MuteScope;
  readonly at: Date;
  /** Exactly one of `forMs` and `until`. */
  readonly forMs?: number;
  readonly until?: string;
  readonly reason?: string;
}

export function buildMute(m: NewMute): MuteData {
  const from = m.at.toISOString();
  let until: string;
  if (m.forMs !== undefined && m.until === undefined) {
    until = new Date(m.at.getTime() + m.forMs).toISOString();
  } else if (m.until !== undefined && m.forMs === undefined) {
    const t = Date.parse(m.until);
    if (Number.isNaN(t))
      throw new MuteError(`--until must be an ISO date-time such as 2026-12-05T06:00:00Z, got "${m.until}"`);
    until = new Date(t).toISOString();
  } else {
    throw new MuteError('give exactly one of --for DURATION and --until ISO');
  }
  if (until <= from) throw new MuteError(`the mute would end (${until}) before it starts (${from})`);
  return {
    id: m.id,
    scope: m.scope,
    from,
    until,
    ...(m.reason ? { reason: m.reason } : {}),
    createdAt: from,
  };
}

export function describeScope(scope: MuteScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all docs';
    case 'domain':
      return `domain ${scope.domain}`;
    case 'tag':
      return `tag ${scope.tag}`;
    case 'doc':
      return `docs ${scope.glob}`;
  }
}
