// Per-doc incidents (issue 12): fail-after N consecutive fail/error runs opens one, recover-after M
// consecutive passes closes it, 3 open/close cycles within 24 h make the doc "flapping". What people
// were last told (`told`) is kept with the incident, so an alert held back by a mute or by flapping
// goes out at the first run that may alert and still sees the same state: once. Pure.
import type { DocResult, StepResult } from '../model.js';
import type { IncidentData, LastFailure } from './records.js';
import type { FailingDoc, FlappingDoc, RecoveredDoc } from './types.js';

export interface IncidentPolicy {
  readonly failAfter: number;
  readonly recoverAfter: number;
  readonly flapCycles: number;
  readonly flapWindowMs: number;
}

export type DocTransition =
  | { readonly kind: 'failing'; readonly doc: FailingDoc }
  | { readonly kind: 'recovered'; readonly doc: RecoveredDoc }
  | { readonly kind: 'flapping'; readonly doc: FlappingDoc };

export interface IncidentStep {
  /** Undefined when nothing changed (no write). */
  readonly next?: IncidentData;
  readonly transition?: DocTransition;
}

export interface IncidentContext {
  readonly at: string;
  readonly policy: IncidentPolicy;
  /** A mute covers the doc: record, never alert. */
  readonly muted: boolean;
  /** The doc's Known Issues prose (redacted), for the remedy. */
  readonly knownIssues?: string;
}

const EXCERPT_BYTES = 500;

/** Only docs that ran as active and ended pass, fail or error count. */
export function counts(r: DocResult): boolean {
  return (r.status === undefined || r.status === 'active') && ['pass', 'fail', 'error'].includes(r.outcome);
}

/** The step that made the doc fail (the first failed or errored one). */
export function failingStep(r: DocResult): StepResult | undefined {
  return r.steps.find((s) => s.outcome === 'fail' || s.outcome === 'error');
}

const fresh = (r: DocResult): IncidentData => ({
  doc: r.doc,
  ...(r.endpoint ? { endpoint: r.endpoint } : {}),
  domain: r.domain,
  tags: [...(r.tags ?? [])],
  state: 'ok',
  consecutiveFailures: 0,
  consecutivePasses: 0,
  told: 'ok',
  closes: [],
  flapping: false,
});

/** Decides one doc's incident from its previous state and this run's result. */
export function stepIncident(
  prev: IncidentData | undefined,
  r: DocResult,
  ctx: IncidentContext,
): IncidentStep {
  if (!counts(r)) return {};
  if (!prev && r.outcome === 'pass') return {};
  const { at, policy } = ctx;
  const atMs = Date.parse(at);
  const base = prev ?? fresh(r);
  let n: IncidentData = {
    ...base,
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    domain: r.domain,
    tags: [...(r.tags ?? base.tags)],
    closes: base.closes.filter((c) => atMs - Date.parse(c) < policy.flapWindowMs),
  };
  if (n.flapping && (!n.lastTransitionAt || atMs - Date.parse(n.lastTransitionAt) >= policy.flapWindowMs)) {
    n = { ...n, flapping: false, closes: [] };
  }
  let transition: DocTransition | undefined;

  if (r.outcome === 'pass') {
    const passes = n.consecutivePasses + 1;
    n = { ...n, consecutiveFailures: 0, consecutivePasses: n.state === 'open' ? passes : 0 };
    if (n.state === 'open' && passes >= policy.recoverAfter) {
      n = { ...n, state: 'ok', consecutivePasses: 0, closes: [...n.closes, at], lastTransitionAt: at };
      if (!n.flapping && n.closes.length >= policy.flapCycles) {
        n = { ...n, flapping: true };
        if (!ctx.muted) transition = { kind: 'flapping', doc: flappingDoc(n) };
      }
    }
    if (!transition && !ctx.muted && !n.flapping && n.state === 'ok' && n.told === 'failing') {
      transition = { kind: 'recovered', doc: recoveredDoc(n, atMs) };
      n = { ...n, told: 'ok' };
    }
    if (n.state === 'ok' && n.told === 'ok') {
      const { failingSince: _s, lastFailure: _f, ...rest } = n;
      n = rest;
    }
  } else {
    const failures = n.consecutiveFailures + 1;
    const failure = lastFailure(r, ctx.knownIssues);
    n = {
      ...n,
      consecutiveFailures: failures,
      consecutivePasses: 0,
      failingSince: n.failingSince ?? r.startedAt,
      lastFailure: failure,
    };
    if (n.state === 'ok' && failures >= policy.failAfter) {
      n = { ...n, state: 'open', lastTransitionAt: at };
    }
    if (!ctx.muted && !n.flapping && n.state === 'open' && n.told === 'ok') {
      transition = { kind: 'failing', doc: failingDoc(n, r) };
      n = { ...n, told: 'failing' };
    }
  }
  return prev && same(prev, n) ? {} : { next: n, ...(transition ? { transition } : {}) };
}

function same(a: IncidentData, b: IncidentData): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function lastFailure(r: DocResult, knownIssues: string | undefined): LastFailure {
  const s = failingStep(r);
  const actual = s?.status ?? s?.fault;
  const remedy = remedyFor(knownIssues, s);
  return {
    outcome: r.outcome === 'error' ? 'error' : 'fail',
    ...(s ? { stepId: s.id, method: s.method, expected: [...s.expected] } : { expected: [] }),
    ...(s?.url ? { url: s.url } : {}),
    ...(actual !== undefined ? { actual } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(s?.bodyExcerpt ? { bodyExcerpt: cutBytes(s.bodyExcerpt, EXCERPT_BYTES) } : {}),
    ...(remedy ? { remedy } : {}),
  };
}

function failingDoc(n: IncidentData, r: DocResult): FailingDoc {
  const f = n.lastFailure;
  return {
    doc: n.doc,
    ...(n.endpoint ? { endpoint: n.endpoint } : {}),
    domain: n.domain,
    outcome: r.outcome === 'error' ? 'error' : 'fail',
    since: n.failingSince ?? r.startedAt,
    failures: n.consecutiveFailures,
    ...(f?.stepId && f.method
      ? {
          step: {
            id: f.stepId,
            method: f.method,
            ...(f.url ? { url: f.url } : {}),
            expected: f.expected,
            ...(f.actual !== undefined ? { actual: f.actual } : {}),
          },
        }
      : {}),
    ...(f?.reason ? { reason: f.reason } : {}),
    ...(f?.bodyExcerpt ? { bodyExcerpt: f.bodyExcerpt } : {}),
    ...(f?.remedy ? { remedy: f.remedy } : {}),
  };
}

function recoveredDoc(n: IncidentData, atMs: number): RecoveredDoc {
  const since = n.failingSince ?? new Date(atMs).toISOString();
  return {
    doc: n.doc,
    ...(n.endpoint ? { endpoint: n.endpoint } : {}),
    domain: n.domain,
    since,
    downtimeMs: Math.max(0, atMs - Date.parse(since)),
  };
}

function flappingDoc(n: IncidentData): FlappingDoc {
  return {
    doc: n.doc,
    ...(n.endpoint ? { endpoint: n.endpoint } : {}),
    domain: n.domain,
    cycles: n.closes.length,
  };
}

const REMEDY_MAX = 2000;

/** The Known Issues section that names the status (or fault) seen: its `**Fix**:` text, or the section. */
export function remedyFor(knownIssues: string | undefined, s: StepResult | undefined): string | undefined {
  if (!knownIssues?.trim() || !s) return undefined;
  const words = [s.status !== undefined ? String(s.status) : undefined, s.fault].filter(
    (w): w is string => typeof w === 'string',
  );
  if (s.status === 429) words.push('rate limit');
  if (words.length === 0) return undefined;
  const sections = knownIssues.split(/\n(?=#{2,6} |- \*\*)/);
  const relevant = sections.find((sec) =>
    words.some((w) =>
      new RegExp(`(^|[^\\w])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`, 'i').test(sec),
    ),
  );
  if (!relevant) return undefined;
  const fix = /\*\*(?:Fix|Remedy|Workaround|Solution)\*\*:?\s*([\s\S]+?)(?:\n\s*\n|\n\*\*|$)/i.exec(relevant);
  const text = (fix?.[1] ?? relevant).trim();
  return text.length > REMEDY_MAX ? `${text.slice(0, REMEDY_MAX)}…` : text;
}

/** At most `max` UTF-8 bytes, never splitting a character. */
export function cutBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return text;
  let end = max;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
