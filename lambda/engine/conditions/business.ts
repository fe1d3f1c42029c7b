// Business state transitions (issue 4). A run hands over its confirmed observations; this decides
// whether the business changes condition, writes the change conditionally on the version, and
// returns one alert per transition this caller won. While a condition holds, nothing is alerted.
import type { BusinessAlert, BusinessState, Evidence } from '../model.js';
import type { StateStore } from '../ports.js';
import { buildAlert, DEFAULT_REMEDY } from './alert.js';

export type Observation =
  | {
      readonly kind: 'condition';
      readonly condition: 'spam_flagged';
      /** Already redacted by the runner. */
      readonly evidence: Evidence;
      readonly doc: string;
      /** The doc's Known Issues prose, if any. */
      readonly remedy?: string;
    }
  | { readonly kind: 'clear'; readonly doc: string; readonly stepId: string; readonly at: string };

export class BusinessStateError extends Error {
  override readonly name = 'BusinessStateError';
}

const MAX_ATTEMPTS = 5;
const REMEDY_MAX = 2000;

export interface ApplyObservationsArgs {
  readonly store: StateStore;
  readonly businessId: string;
  readonly runId: string;
  readonly now: Date;
  readonly observations: readonly Observation[];
}

/**
 * ok→spam_flagged when any (confirmed) condition observation; spam_flagged→ok when a later run has
 * a `clear` and no condition. A lost race is re-read and re-decided, so the same transition made
 * by another writer yields no alert here.
 */
export async function applyObservations(args: ApplyObservationsArgs): Promise<BusinessAlert[]> {
  const { store, businessId } = args;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await store.getBusiness(businessId);
    const decision = decide(current, args);
    if (!decision) return [];
    const won = await store.putBusiness(decision.next, current?.version ?? 0);
    if (won) return decision.alert ? [decision.alert] : [];
  }
  throw new BusinessStateError(
    `business ${businessId}: lost the conditional write ${MAX_ATTEMPTS} times in a row; another writer keeps changing it`,
  );
}

interface Decision {
  readonly next: BusinessState;
  readonly alert?: BusinessAlert;
}

/** Pure: the write (and alert) the observations call for, or undefined when nothing changes. */
export function decide(
  current: BusinessState | undefined,
  args: ApplyObservationsArgs,
): Decision | undefined {
  const { businessId, runId, now, observations } = args;
  const at = now.toISOString();
  const conditions = observations.filter((o) => o.kind === 'condition');
  const clears = observations.filter((o) => o.kind === 'clear');
  const condition = current?.condition ?? 'ok';

  if (conditions.length > 0) {
    const docs = unique(conditions.map((o) => o.doc));
    if (condition === 'spam_flagged' && current) {
      // Still flagged: remember newly affected docs, without a version bump (no transition).
      const affectedDocs = unique([...current.affectedDocs, ...docs]);
      if (affectedDocs.length === current.affectedDocs.length) return undefined;
      return { next: { ...current, affectedDocs, updatedAt: at } };
    }
    const first = conditions[0];
    if (!first) return undefined;
    const next: BusinessState = {
      businessId,
      condition: 'spam_flagged',
      since: at,
      evidence: first.evidence,
      affectedDocs: docs,
      version: (current?.version ?? 0) + 1,
      remedy:
        conditions.map((o) => remedyFromKnownIssues(o.remedy)).find((r) => r !== undefined) ?? DEFAULT_REMEDY,
      runId,
      updatedAt: at,
    };
    return { next, alert: buildAlert('business.spam_flagged', next, current) };
  }

  // Recovery needs a later run: within the run that flagged it, a success does not undo the flag.
  if (clears.length > 0 && condition === 'spam_flagged' && current && current.runId !== runId) {
    const next: BusinessState = {
      businessId,
      condition: 'ok',
      since: at,
      affectedDocs: [],
      version: current.version + 1,
      runId,
      updatedAt: at,
    };
    return { next, alert: buildAlert('business.recovered', next, current) };
  }
  return undefined;
}

/**
 * The remedy a doc's Known Issues gives for this condition: the section that talks about spam or
 * blocking (its `**Fix**:` paragraph when it has one). Unrelated known issues give no remedy.
 */
export function remedyFromKnownIssues(knownIssues: string | undefined): string | undefined {
  if (!knownIssues?.trim()) return undefined;
  const sections = knownIssues.split(/\n(?=#{2,6} |- \*\*)/);
  const relevant = sections.find((s) => /spam|flagged|blocked/i.test(s));
  if (!relevant) return undefined;
  const fix = /\*\*(?:Fix|Remedy|Workaround|Solution)\*\*:?\s*([\s\S]+?)(?:\n\s*\n|\n\*\*|$)/i.exec(relevant);
  const text = (fix?.[1] ?? relevant).trim();
  return text.length > REMEDY_MAX ? `${text.slice(0, REMEDY_MAX)}…` : text;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
