// Planning a run (issue 14): list the docs, apply the run's filters, estimate each doc's requests
// (prerequisites included) and keep together the docs that route through each other, then cut shards.
import pLimit from 'p-limit';
import type { Doc } from '../model.js';
import { parseDoc } from '../parse/parse-doc.js';
import type { DocSource } from '../ports.js';
import { endpointKey, fallbackEndpoints } from '../run/routing.js';
import { createFilter, domainOfId, selectByDelete, selectByStatus } from '../run/select.js';
import type { DocFilters } from '../target.js';
import { type DocEstimate, type Plan, type PlanLimits, planShards } from './shards.js';

export interface PlanRunOptions extends PlanLimits {
  readonly filters?: DocFilters;
  readonly allowDelete: boolean;
}

/** A plan, and the ids of every doc the source listed (filtered or not), for "removed" bookkeeping. */
export interface RunPlan extends Plan {
  readonly listed: readonly string[];
  readonly estimates: readonly DocEstimate[];
}

const READS = 16;

/** Reads every doc once; a doc that cannot be read or parsed is still planned (it will report an error). */
export async function planRun(source: DocSource, options: PlanRunOptions): Promise<RunPlan> {
  const listed = await source.list();
  const limit = pLimit(READS);
  const filter = createFilter(options.filters);
  const read = await Promise.all(
    listed.map((id) =>
      limit(async () => {
        const text = await source.read(id).catch(() => undefined);
        const doc = text === undefined ? undefined : parseDoc(id, text).doc;
        return { id, doc };
      }),
    ),
  );
  const inRun = read.filter(({ id, doc }) => filter(id, doc?.domain ?? domainOfId(id), doc?.tags ?? []));
  const estimates = estimateDocs(inRun, options);
  return { ...planShards(estimates, options), listed, estimates };
}

/** Each doc's cost, and its routing group: docs linked by implicit fallback routing share one. */
export function estimateDocs(
  docs: readonly { readonly id: string; readonly doc?: Doc | undefined }[],
  options: Pick<PlanRunOptions, 'filters' | 'allowDelete'>,
): DocEstimate[] {
  // The fallback endpoints are computed from every doc in the run, as the runner does; a doc that
  // uses one must run in the shard of the doc that declares it, or it would be routed elsewhere.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const endpoints = fallbackEndpoints(docs.map((d) => d.doc));
  const declaredBy = new Map<string, string>();
  for (const { id, doc } of docs) {
    parent.set(id, id);
    if (!doc?.useFallbackApi || !doc.endpoint) continue;
    const key = [...fallbackEndpoints([doc])][0];
    if (!key) continue;
    const first = declaredBy.get(key);
    if (first) union(first, id);
    else declaredBy.set(key, id);
  }
  for (const { id, doc } of docs) {
    for (const step of doc ? [...doc.prerequisites, ...doc.test] : []) {
      const key = endpointKey(step.method, step.path);
      const owner = endpoints.has(key) ? declaredBy.get(key) : undefined;
      if (owner) union(owner, id);
    }
  }
  return docs.map(({ id, doc }) => {
    const runs =
      doc !== undefined &&
      selectByStatus(doc.status, options.filters?.include, doc.skipReason).run &&
      selectByDelete(doc, options.allowDelete).run;
    const steps = runs ? [...doc.prerequisites, ...doc.test] : [];
    return {
      doc: id,
      requests: steps.length,
      sleepMs: steps.reduce((n, s) => n + s.sleepMs, 0),
      group: find(id),
    };
  });
}
