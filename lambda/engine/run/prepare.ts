// Preparing one doc: read, parse, select (status, deletes) and lint it. Sends nothing, so it may run
// ahead of the doc's turn (prepare-queue.ts). Every problem is a decided result: it never throws.
import { lintDoc } from '../lint/lint.js';
import type { Doc, DocResult, Finding } from '../model.js';
import { parseDoc } from '../parse/parse-doc.js';
import type { DocSource } from '../ports.js';
import type { DocFilters } from '../target.js';
import { type DocInfo, type DocMeta, metaOf } from './pass-one.js';
import { domainOfId, selectByDelete, selectByStatus } from './select.js';

/** What a doc's result holds besides its header fields and timing. */
export type ResultBody = Omit<DocResult, keyof DocMeta | 'doc' | 'startedAt' | 'durationMs'>;

/** A doc ready to send, or already decided (invalid, skip, error). */
export type Prepared = { readonly meta: DocMeta } & (
  | { readonly kind: 'ready'; readonly doc: Doc }
  | { readonly kind: 'decided'; readonly body: ResultBody }
);

export interface PrepareContext {
  readonly docs: DocSource;
  /** The target's config param names: a variable none defines makes the doc invalid. */
  readonly paramNames: ReadonlySet<string>;
  readonly fallbackEndpoints: ReadonlySet<string>;
  readonly include: DocFilters['include'];
  readonly allowDelete: boolean;
  readonly maxSleepMs?: number;
}

export const renderFinding = (f: Finding): string => `${f.doc}:${f.line}: ${f.message}`;

export async function prepareDoc(info: DocInfo, ctx: PrepareContext): Promise<Prepared> {
  let meta = info.meta ?? { domain: domainOfId(info.id) };
  const decided = (body: ResultBody): Prepared => ({ kind: 'decided', meta, body });
  let text: string;
  try {
    text = info.text ?? (await ctx.docs.read(info.id));
    info.text = undefined;
  } catch (err) {
    return decided({
      outcome: 'error',
      reason: `${info.id}: could not be read: ${(err as Error).message}`,
      steps: [],
    });
  }
  try {
    const parsed = parseDoc(info.id, text);
    const doc = parsed.doc;
    if (!info.meta) meta = metaOf(info.id, doc);
    if (!doc) {
      const errors = parsed.findings.filter((f) => f.severity === 'error');
      const first = errors[0];
      return decided({
        outcome: 'invalid',
        reason: first ? renderFinding(first) : `${info.id}: could not be parsed`,
        steps: [],
        findings: errors,
      });
    }
    const byStatus = selectByStatus(doc.status, ctx.include, doc.skipReason);
    if (!byStatus.run) return decided({ outcome: 'skip', reason: byStatus.reason, steps: [] });
    const lint = lintDoc(parsed, {
      paramNames: ctx.paramNames,
      fallbackEndpoints: ctx.fallbackEndpoints,
      errorsOnly: true,
    });
    const errors = [
      ...invalidating(parsed.findings),
      // lintDoc repeats the parse findings (sorted in by line): each is reported once, parse first.
      ...invalidating(lint.filter((f) => !parsed.findings.includes(f))),
      ...sleepFindings(doc, ctx.maxSleepMs),
    ];
    const firstError = errors[0];
    if (firstError)
      return decided({ outcome: 'invalid', reason: renderFinding(firstError), steps: [], findings: errors });
    const byDelete = selectByDelete(doc, ctx.allowDelete);
    if (!byDelete.run) return decided({ outcome: 'skip', reason: byDelete.reason, steps: [] });
    return { kind: 'ready', meta, doc };
  } catch (err) {
    // A bug while reading one doc must not cost the others their results.
    return decided({ outcome: 'error', reason: `internal error: ${(err as Error).message}`, steps: [] });
  }
}

const invalidating = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => f.severity === 'error');

/** A deployment may allow shorter sleeps than the format does (RunOptions.maxSleepMs). */
function sleepFindings(doc: Doc, maxSleepMs: number | undefined): Finding[] {
  if (maxSleepMs === undefined) return [];
  return [...doc.prerequisites, ...doc.test]
    .filter((s) => s.sleepMs > maxSleepMs)
    .map((s) => ({
      doc: doc.id,
      line: s.line,
      severity: 'error' as const,
      code: 'sleep-too-long',
      message: `step "${s.id}": sleep ${s.sleepMs} ms is longer than this run's ${maxSleepMs} ms limit; shorten the sleep`,
    }));
}
