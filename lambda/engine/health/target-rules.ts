// Target conditions (issue 12): one root cause, one alert. Rules are data, like the business rules:
// defaults shipped, users add their own. Each rule looks at the run's requests as a whole (or per
// token type) and holds when enough of them match its signature. Pure.
import * as z from 'zod';
import type { DocResult, StepResult } from '../model.js';
import type { ConditionEvidence, ConditionType } from './types.js';

const TRANSPORT_FAULTS = ['timeout', 'connect', 'reset', 'dns', 'redirect', 'other'] as const;

export const targetRuleSchema = z
  .object({
    name: z.string().min(1),
    condition: z.enum(['target.down', 'credential.rejected', 'target.rate_limited']),
    /** `run`: the run's requests together; `token`: each token type's requests on their own. */
    scope: z.enum(['run', 'token']).default('run'),
    /** The denominator: every request sent, or only those that did not pass. */
    of: z.enum(['requests', 'errors']).default('requests'),
    match: z
      .object({
        statuses: z.array(z.number().int().min(100).max(599)).optional(),
        faults: z.array(z.enum(TRANSPORT_FAULTS)).optional(),
        /** A 429 still answered after the retries allowed (the step ended `error`). */
        rateLimited: z.boolean().optional(),
      })
      .strict(),
    /** The share of considered requests that must match (1 = every one). */
    share: z.number().gt(0).max(1),
    /** Fewer matching requests than this never start the condition (and never clear it either). */
    minMatches: z.number().int().min(1).default(3),
    remedy: z.string().optional(),
  })
  .strict();

export type TargetRule = z.infer<typeof targetRuleSchema>;

export const DEFAULT_TARGET_RULES: readonly TargetRule[] = [
  {
    name: 'target-down',
    condition: 'target.down',
    scope: 'run',
    of: 'requests',
    match: { statuses: [502, 503, 504], faults: ['timeout', 'connect', 'reset', 'dns'] },
    share: 0.8,
    minMatches: 3,
    remedy:
      'The target (or its gateway) is not answering. Check its status page and load balancer; per-doc incidents are held back until it answers again.',
  },
  {
    name: 'token-rejected',
    condition: 'credential.rejected',
    scope: 'token',
    of: 'requests',
    match: { statuses: [401] },
    share: 1,
    minMatches: 3,
    remedy:
      'Every request made with this token type was rejected with 401: the token expired or was revoked. Rotate it in the tokens file (CLI) or the tokens secret (AWS).',
  },
  {
    name: 'rate-limited',
    condition: 'target.rate_limited',
    scope: 'run',
    of: 'errors',
    match: { rateLimited: true },
    share: 0.5,
    minMatches: 3,
    remedy:
      'The target kept answering 429 after the retries allowed. Lower the request rate (--rps / the rps prop) or ask for a higher quota.',
  },
];

/**
 * The rules a run uses: the shipped defaults, where a user rule with a default's name (`target-down`,
 * `token-rejected`, `rate-limited`) replaces that default, and the other user rules after them.
 */
export function withUserTargetRules(user: readonly TargetRule[]): TargetRule[] {
  const byName = new Map(user.map((r) => [r.name, r]));
  const shipped = DEFAULT_TARGET_RULES.map((d) => byName.get(d.name) ?? d);
  const added = user.filter((r) => !DEFAULT_TARGET_RULES.some((d) => d.name === r.name));
  return [...shipped, ...added];
}

export class TargetRuleError extends Error {
  override readonly name = 'TargetRuleError';
}

/** Validates user rules (config file, stack prop); the error names the field, e.g. `targetRules[0].share`. */
export function parseTargetRules(input: unknown, label = 'targetRules'): TargetRule[] {
  const r = z.array(targetRuleSchema).safeParse(input);
  if (r.success) return r.data;
  throw new TargetRuleError(
    r.error.issues.map((i) => `${label}${targetRulePath(i.path)}: ${i.message}`).join('; '),
  );
}

/** `[0].match.statuses[1]` for a zod issue path. */
export const targetRulePath = (path: readonly PropertyKey[]): string =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

/** One request as the classifier sees it. */
export interface SentRequest {
  readonly doc: string;
  readonly step: StepResult;
}

/** Every request a run sent: steps that got an answer or a transport fault (not aborted ones). */
export function sentRequests(results: readonly DocResult[]): SentRequest[] {
  const out: SentRequest[] = [];
  for (const r of results) {
    for (const step of r.steps) {
      if (step.status !== undefined || (step.fault !== undefined && step.fault !== 'aborted')) {
        out.push({ doc: r.doc, step });
      }
    }
  }
  return out;
}

export const isRateLimited = (s: StepResult): boolean => s.status === 429 && s.outcome === 'error';

export function requestMatches(rule: TargetRule, s: StepResult): boolean {
  const m = rule.match;
  if (m.rateLimited && isRateLimited(s)) return true;
  if (m.statuses && s.status !== undefined && m.statuses.includes(s.status)) return true;
  return Boolean(m.faults && s.fault && (m.faults as readonly string[]).includes(s.fault));
}

/** What one rule says about one subject of one run. */
export interface Classification {
  readonly condition: ConditionType;
  readonly rule: TargetRule;
  /** The target name, or the token type. */
  readonly subject: string;
  /** `holds`: start (or keep); `clear`: enough evidence that it does not hold; `unknown`: too little. */
  readonly verdict: 'holds' | 'clear' | 'unknown';
  readonly evidence: ConditionEvidence;
  /** The requests that matched (to hold back the docs that failed only because of the condition). */
  readonly matched: readonly SentRequest[];
}

const EXAMPLES = 3;

/** Classifies a run's requests under every rule. Pure. */
export function classifyRun(
  rules: readonly TargetRule[],
  requests: readonly SentRequest[],
  target: string,
): Classification[] {
  const out: Classification[] = [];
  for (const rule of rules) {
    const groups = new Map<string, SentRequest[]>();
    if (rule.scope === 'token') {
      for (const r of requests) {
        if (r.step.token === undefined) continue;
        const g = groups.get(r.step.token) ?? [];
        g.push(r);
        groups.set(r.step.token, g);
      }
    } else {
      groups.set(target, [...requests]);
    }
    for (const [subject, group] of groups) {
      const considered = rule.of === 'errors' ? group.filter((r) => r.step.outcome !== 'pass') : group;
      const matched = considered.filter((r) => requestMatches(rule, r.step));
      const enough = group.length >= rule.minMatches;
      const holds = matched.length >= rule.minMatches && matched.length >= rule.share * considered.length;
      out.push({
        condition: rule.condition,
        rule,
        subject,
        verdict: holds ? 'holds' : enough ? 'clear' : 'unknown',
        evidence: evidenceOf(considered.length, matched),
        matched,
      });
    }
  }
  return out;
}

function kindOf(s: StepResult): string {
  if (isRateLimited(s)) return '429 after retries';
  if (s.status !== undefined) return String(s.status);
  return s.fault ?? 'other';
}

function evidenceOf(considered: number, matched: readonly SentRequest[]): ConditionEvidence {
  const byKind: Record<string, number> = {};
  for (const r of matched) byKind[kindOf(r.step)] = (byKind[kindOf(r.step)] ?? 0) + 1;
  return {
    considered,
    matched: matched.length,
    byKind,
    examples: matched.slice(0, EXAMPLES).map((r) => ({
      doc: r.doc,
      step: r.step.id,
      method: r.step.method,
      ...(r.step.url ? { url: r.step.url } : {}),
      actual: kindOf(r.step),
    })),
  };
}
