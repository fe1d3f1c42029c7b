// Incidents, target conditions and mutes as a person reads them. Their data is owned by the health
// alerts (issue 12) and typed there; the page reads it defensively: the fields it knows, by name,
// and any other plain field as `name: value`, so a new field shows up without a change here.
import type { HealthItemView } from './model.js';
import type { HealthRecord } from './status-source.js';

const CLOSED = new Set(['closed', 'resolved', 'recovered', 'ok', 'clear', 'cleared', 'expired', 'ended']);
const TITLE_KEYS = ['title', 'summary', 'type', 'condition', 'doc', 'scope', 'reason'];

const record = (data: unknown): Record<string, unknown> =>
  data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};

function isOpen(h: HealthRecord, now: Date): boolean {
  const d = record(h.data);
  for (const k of ['state', 'status', 'condition']) {
    const v = d[k];
    if (typeof v === 'string' && CLOSED.has(v.toLowerCase())) return false;
  }
  if (typeof d.closedAt === 'string' || typeof d.recoveredAt === 'string') return false;
  if (h.kind === 'mute') {
    const until = d.until ?? d.expiresAt;
    if (typeof until === 'string' && Date.parse(until) <= now.getTime()) return false;
  }
  return true;
}

function plain(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 300 ? `${v.slice(0, 300)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.slice(0, 10).join(', ');
  return undefined;
}

export function healthItem(h: HealthRecord): HealthItemView {
  const d = record(h.data);
  const titleKey = TITLE_KEYS.find((k) => typeof d[k] === 'string');
  const title = titleKey ? `${h.key}: ${String(d[titleKey])}` : h.key;
  const details: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    const text = k === titleKey ? undefined : plain(v);
    if (text !== undefined && details.length < 8) details.push(`${k}: ${text}`);
  }
  return { kind: h.kind, key: h.key, title, details };
}

export function healthItems(
  lists: {
    incidents: readonly HealthRecord[];
    conditions: readonly HealthRecord[];
    mutes: readonly HealthRecord[];
  },
  now: Date,
): { incidents: HealthItemView[]; conditions: HealthItemView[]; mutes: HealthItemView[] } {
  const open = (l: readonly HealthRecord[]) => l.filter((h) => isOpen(h, now)).map(healthItem);
  return { incidents: open(lists.incidents), conditions: open(lists.conditions), mutes: open(lists.mutes) };
}
