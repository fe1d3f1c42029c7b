// The story of a run: pass one over the doc headers decides which docs run and where fallback requests
// go; the run is opened; each doc, in turn and `concurrency` at a time, is prepared (ahead of its turn
// when a slot is busy), run, and its result recorded as soon as it is known; once every result is
// stored, the run is settled (business conditions, alerts) and finished.
import pLimit from 'p-limit';
import type { Observation } from '../conditions/business.js';
import { type ConditionRule, DEFAULT_RULES } from '../conditions/rules.js';
import type { DocResult, RunResult } from '../model.js';
import { emptySummary } from '../model.js';
import { readDocHeader } from '../parse/doc-header.js';
import type { AlertSink, Clock, DocSource, HttpClient, RunEvent, StateStore, TestFiles } from '../ports.js';
import type { DocAuth } from '../promises/auth-alerts.js';
import type { AuthMatrixMode } from '../promises/auth-matrix.js';
import type { OperationIndex } from '../promises/operations.js';
import { createTokenRedactor } from '../redact.js';
import type { RunOptions, Target } from '../target.js';
import { type DocInfo, metaOf, passOne } from './pass-one.js';
import { type Prepared, prepareDoc, type ResultBody } from './prepare.js';
import { createPrepareQueue } from './prepare-queue.js';
import { createRecorder, docResult } from './record.js';
import { markRemovedDocs } from './removed.js';
import { runDoc } from './run-doc.js';
import { domainOfId } from './select.js';
import { settleRun } from './settle.js';

export { MAX_UNSTORED } from './record.js';

export interface RunDeps {
  readonly docs: DocSource;
  readonly http: HttpClient;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly testFiles?: TestFiles;
  readonly alerts?: AlertSink;
  readonly rules?: readonly ConditionRule[];
  readonly onEvent?: (e: RunEvent) => void;
  /** E.g. the Lambda remaining-time check: once true, docs not yet started are skip "deadline". */
  readonly shouldStop?: () => boolean;
  /**
   * The run's hard deadline (the Lambda's): once aborted, docs in flight stop where they are (requests,
   * sleeps, 429 waits) and end as error "deadline: aborted in flight ..." with the steps that ran and
   * what they observed; docs not yet started are skip "deadline".
   */
  readonly abort?: AbortSignal;
  /**
   * One shard of a fanned-out run (handlers/fanout): the run record exists and the finish step settles
   * the run once, so this records results and hands the observations over instead of starting,
   * settling and finishing the run.
   */
  readonly shard?: {
    readonly keep: (
      observations: readonly Observation[],
      knownIssues: Readonly<Record<string, string>>,
    ) => Promise<void>;
  };
  /**
   * Ctrl-C or --bail: once true, docs not yet started are left out (no result) and the run is recorded
   * as `interrupted`; docs in flight finish.
   */
  readonly interrupted?: () => boolean;
  /** --bail: true for a finished doc makes the run stop starting docs, as `interrupted` does. */
  readonly stopAfter?: (result: DocResult) => boolean;
  /** What docs promise beyond status codes: response contracts (`--openapi`), the auth matrix. */
  readonly promises?: {
    readonly contract?: { readonly index: OperationIndex; readonly strict: boolean };
    readonly authMatrix?: AuthMatrixMode;
  };
}

export async function runDocs(target: Target, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const { clock, store } = deps;
  const emit = deps.onEvent ?? (() => {});
  const redactor = createTokenRedactor(target.credentials);
  const { runId } = options;
  const startedAt = clock.now().toISOString();

  const { docs, fallbackEndpoints } = await passOne(deps.docs, options.filters);

  if (!deps.shard)
    await store.startRun({
      runId,
      startedAt,
      status: 'running',
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.filters ? { filters: { ...options.filters } } : {}),
    });
  emit({ type: 'run-started', runId, total: docs.length, at: startedAt });

  // One contract checker per run: each operation's schema is compiled once, and it keeps the counts.
  // Ajv loads only for a run that checks contracts.
  const checker = deps.promises?.contract
    ? new (await import('../promises/contract.js')).ContractChecker()
    : undefined;
  const results = {
    runId,
    startedAt,
    summary: emptySummary(),
    observations: [] as Observation[],
    auth: [] as DocAuth[],
    interrupted: false,
    docs: [] as DocResult[],
    knownIssues: {} as Record<string, string>,
    ...(checker ? { contract: checker.totals } : {}),
  };
  const prepareCtx = {
    docs: deps.docs,
    paramNames: new Set(Object.keys(target.credentials.params)),
    fallbackEndpoints,
    include: options.filters?.include,
    allowDelete: options.allowDelete,
    ...(options.maxSleepMs !== undefined ? { maxSleepMs: options.maxSleepMs } : {}),
  };
  const queue = createPrepareQueue<DocInfo, Prepared>({
    items: docs,
    ahead: options.concurrency,
    prepare: (info) => prepareDoc(info, prepareCtx),
  });
  const recorder = createRecorder({
    store,
    runId,
    concurrency: options.concurrency,
    summary: results.summary,
    emit,
    onFault: () => queue.stop(),
  });
  const docCtx = {
    target,
    http: deps.http,
    clock,
    redactor,
    rules: deps.rules ?? DEFAULT_RULES,
    fallbackEndpoints,
    testFiles: deps.testFiles,
    ...(deps.abort ? { signal: deps.abort } : {}),
    promises: {
      ...(checker && deps.promises?.contract ? { contract: { ...deps.promises.contract, checker } } : {}),
      ...(deps.promises?.authMatrix && deps.promises.authMatrix !== 'off'
        ? {
            authMatrix: {
              mode: deps.promises.authMatrix,
              configured: new Set(Object.keys(target.credentials.tokens)),
            },
          }
        : {}),
    },
  };
  const stopNow = (): boolean =>
    (options.deadline !== undefined && clock.now().getTime() >= options.deadline.getTime()) ||
    (deps.shouldStop?.() ?? false) ||
    (deps.abort?.aborted ?? false);

  /** One doc's turn: skipped if the run is stopping, else prepared (or taken ready) and run. */
  const runOne = async (info: DocInfo, index: number): Promise<DocResult> => {
    const started = clock.now();
    const done = (meta: Prepared['meta'], body: ResultBody) =>
      docResult(info.id, meta, started, clock.now(), body, redactor);
    if (stopNow()) {
      const ahead = queue.drop(index);
      const meta = ahead ? (await ahead).meta : (info.meta ?? (await readMeta(deps.docs, info.id)));
      return done(meta, { outcome: 'skip', reason: 'deadline', steps: [] });
    }
    const taking = queue.take(index);
    emit({ type: 'doc-started', doc: info.id });
    const p = await taking;
    if (p.kind === 'decided') return done(p.meta, p.body);
    try {
      const run = await runDoc(docCtx, p.doc, p.doc.status === 'active');
      results.observations.push(...run.observations);
      if ((run.outcome === 'fail' || run.outcome === 'error') && p.doc.knownIssues)
        results.knownIssues[info.id] = redactor.text(p.doc.knownIssues);
      for (const message of run.warnings) emit({ type: 'warning', message: redactor.text(message) });
      if (run.auth?.length)
        results.auth.push({
          doc: info.id,
          domain: p.meta.domain,
          ...(p.meta.endpoint ? { endpoint: p.meta.endpoint } : {}),
          auth: run.auth,
        });
      return done(p.meta, {
        outcome: run.outcome,
        ...(run.reason ? { reason: run.reason } : {}),
        steps: run.steps,
        ...(run.auth ? { auth: run.auth } : {}),
        ...(run.contract ? { contract: run.contract } : {}),
      });
    } catch (err) {
      // A bug while running one doc must not cost the others their results.
      return done(p.meta, {
        outcome: 'error',
        reason: `internal error: ${(err as Error).message}`,
        steps: [],
      });
    }
  };

  // Ctrl-C or --bail: docs not yet started are left out, docs in flight finish.
  const leftOut = (): boolean => {
    if (!results.interrupted && deps.interrupted?.()) results.interrupted = true;
    if (results.interrupted) queue.stop();
    return results.interrupted;
  };
  const slots = pLimit(Math.max(1, options.concurrency));
  await Promise.all(
    docs.map((info, index) =>
      slots(async () => {
        if (recorder.fault || leftOut()) return;
        try {
          await recorder.room();
          if (recorder.fault || leftOut()) return;
          const result = await runOne(info, index);
          if (deps.stopAfter?.(result)) results.interrupted = true;
          results.docs.push(result);
          recorder.record(result);
        } catch (err) {
          // runOne returns results as data: a throw is a fault (or a bug), and the run fails.
          recorder.fail(err);
        }
      }),
    ),
  );
  await recorder.drain();
  // A full run's listing is every doc: states of docs it no longer holds are marked removed.
  if (!deps.shard && recorder.fault === undefined)
    await markRemovedDocs(
      store,
      options.filters,
      docs.map((d) => d.id),
      runId,
      clock.now().toISOString(),
    );
  if (deps.shard) {
    if (recorder.fault !== undefined) throw recorder.fault;
    await deps.shard.keep(results.observations, results.knownIssues);
    const finishedAt = clock.now().toISOString();
    return {
      runId,
      startedAt,
      finishedAt,
      summary: results.summary,
      businesses: [],
      // The shard's contract counts: the fan-out finish step adds them up.
      ...(results.contract ? { contract: { ...results.contract } } : {}),
    };
  }
  const settleCtx = {
    target,
    store,
    clock,
    redactor,
    emit,
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    ...(options.filters ? { filters: options.filters } : {}),
    ...(options.health ? { health: options.health } : {}),
  };
  return settleRun(results, settleCtx, recorder.fault);
}

/** The header fields of a doc skipped before it was prepared (so its result still names its domain). */
async function readMeta(docs: DocSource, id: string): Promise<Prepared['meta']> {
  const text = await docs.read(id).catch(() => undefined);
  return text === undefined ? { domain: domainOfId(id) } : metaOf(id, readDocHeader(id, text));
}
