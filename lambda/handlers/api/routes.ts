// The API's routes. Reads come from the state store; POST /runs announces the run in the store and
// invokes the verifier Lambda asynchronously.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { emptySummary, type Outcome, type RunReport } from '../../engine/model.js';
import type { RunPosition, RunRecord, RunResultsPage, StateStore } from '../../engine/ports.js';
import { newRunId, RUN_ID_PATTERN } from '../../engine/run/run-id.js';
import type { DocFilters } from '../../engine/target.js';
import { ApiError } from './http.js';

export interface RouteDeps {
  readonly store: StateStore;
  readonly lambda: Pick<LambdaClient, 'send'>;
  /** The first target's verifier: runs without a `target` go there. */
  readonly verifierFunctionName: string;
  /** Each target's verifier, by target name. @default - only the first target */
  readonly verifierFunctions?: Readonly<Record<string, string>>;
  readonly now: () => Date;
}

export const ListRunsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(400).optional(),
});

const cursorSchema = z.strictObject({ s: z.string().min(1), r: z.string().regex(RUN_ID_PATTERN) });

/** An opaque cursor: the position as base64url JSON. */
const encodeCursor = (position: object): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** The position a cursor holds, or undefined when it is not one of ours (the schema then says 400). */
function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `GET /runs`: a page of runs, most recent first, and `nextCursor` (opaque) while more may follow. */
export async function listRuns(
  deps: Pick<RouteDeps, 'store'>,
  query: z.infer<typeof ListRunsQuerySchema>,
): Promise<{ runs: readonly RunRecord[]; nextCursor?: string }> {
  let before: RunPosition | undefined;
  if (query.cursor !== undefined) {
    const parsed = cursorSchema.safeParse(decodeCursor(query.cursor));
    if (!parsed.success) {
      throw new ApiError(
        400,
        'invalid cursor: pass the nextCursor of the previous GET /runs answer unchanged',
      );
    }
    before = { startedAt: parsed.data.s, runId: parsed.data.r };
  }
  const runs = await deps.store.listRuns(query.limit, before);
  const last = runs.length === query.limit ? runs.at(-1) : undefined;
  return {
    runs,
    ...(last && {
      nextCursor: encodeCursor({ s: last.startedAt, r: last.runId }),
    }),
  };
}

export const ListDocsQuerySchema = z.strictObject({
  domain: z.string().min(1).max(200).optional(),
  outcome: z.enum(['pass', 'fail', 'error', 'blocked', 'invalid', 'skip'] satisfies Outcome[]).optional(),
});

/** The verifier function of `target` (the first target's when none is named); 400 for an unknown name. */
export function verifierFor(deps: RouteDeps, target: string | undefined): string {
  if (target === undefined) return deps.verifierFunctionName;
  const fn = deps.verifierFunctions?.[target];
  if (fn) return fn;
  const known = Object.keys(deps.verifierFunctions ?? {});
  throw new ApiError(
    400,
    `unknown target "${target.slice(0, 64)}": expected one of ${known.length ? known.map((k) => `"${k}"`).join(', ') : '(none: this stack has one target; omit target)'}`,
  );
}

/** Announces the run (status running, trigger api) and hands it to the target's verifier Lambda. */
export async function startRun(
  deps: RouteDeps,
  filters: DocFilters,
  target?: string,
): Promise<{ runId: string }> {
  const functionName = verifierFor(deps, target);
  const now = deps.now();
  const runId = newRunId(now);
  await deps.store.startRun({
    runId,
    startedAt: now.toISOString(),
    status: 'running',
    trigger: 'api',
    filters: { ...filters },
  });
  try {
    await deps.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ runId, filters, trigger: 'api' })),
      }),
    );
  } catch (err) {
    await deps.store.finishRun(runId, deps.now().toISOString(), emptySummary(), 'failed');
    throw new ApiError(
      502,
      `could not start run ${runId}: the verifier function did not accept it (${(err as Error).name})`,
    );
  }
  return { runId };
}

export const GetRunQuerySchema = z.strictObject({
  /** Results in this answer (a run's results can hold megabytes; Lambda answers at most 6 MB). */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** `nextCursor` of the previous page of this run's results. */
  cursor: z.string().min(1).max(2000).optional(),
});

const resultsCursorSchema = z.strictObject({ r: z.string(), c: z.string() });

/**
 * `GET /runs/{runId}`: the run record; a run still running has its progress, a closed run its report,
 * whose `docs` hold one page of results (completion order) and `nextCursor` while more follow.
 */
export async function getRun(
  deps: Pick<RouteDeps, 'store'>,
  rawId: string,
  query: z.infer<typeof GetRunQuerySchema> = { limit: 200 },
) {
  let runId: string;
  try {
    runId = decodeURIComponent(rawId);
  } catch {
    runId = rawId;
  }
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new ApiError(
      400,
      `"${runId.slice(0, 120)}" is not a run id: expected letters, digits and . _ : - (at most 100)`,
    );
  }
  const run = await deps.store.getRun(runId);
  if (!run) throw new ApiError(404, `run ${runId} not found (runs are kept for the retention period)`);
  // While running: how many docs have finished so far.
  if (run.status === 'running')
    return { ...run, progress: { done: (await deps.store.getRunResults(runId)).length } };
  const page = await resultsPage(deps.store, runId, query);
  const report: RunReport = {
    runId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? run.startedAt,
    summary: run.summary ?? emptySummary(),
    docs: page.results,
    businesses: (await deps.store.listBusinesses()).map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
    })),
  };
  return {
    ...run,
    report,
    ...(page.cursor !== undefined && {
      nextCursor: encodeCursor({ r: runId, c: page.cursor }),
    }),
  };
}

async function resultsPage(
  store: StateStore,
  runId: string,
  query: z.infer<typeof GetRunQuerySchema>,
): Promise<RunResultsPage> {
  const invalid = () =>
    new ApiError(
      400,
      `invalid cursor: pass the nextCursor of the previous GET /runs/${runId} answer unchanged`,
    );
  let after: string | undefined;
  if (query.cursor !== undefined) {
    const parsed = resultsCursorSchema.safeParse(decodeCursor(query.cursor));
    if (!parsed.success || parsed.data.r !== runId) throw invalid();
    after = parsed.data.c;
  }
  try {
    return await store.listRunResults(runId, query.limit, after);
  } catch (err) {
    if (after !== undefined && /cursor/.test((err as Error).message)) throw invalid();
    throw err;
  }
}
