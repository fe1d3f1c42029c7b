// The runner: lists and parses docs, selects them (FORMAT.md §6), runs them with bounded concurrency,
// streams each doc's result (event + store) as soon as it completes, then settles business conditions.
import pLimit from 'p-limit';
import { applyObservations, type Observation } from '../conditions/business.js';
import { type ConditionRule, DEFAULT_RULES } from '../conditions/rules.js';
import { fallbackEndpoints as fallbackEndpointsOf } from '../lint/fallback.js';
import { lintDoc } from '../lint/lint.js';
import type { Doc, DocResult, DocStatus, Finding, RunResult } from '../model.js';
import { emptySummary } from '../model.js';
import { type DocHeader, readDocHeader, readDocRouting } from '../parse/doc-header.js';
import { parseDoc } from '../parse/parse-doc.js';
import type { AlertSink, Clock, DocSource, HttpClient, RunEvent, StateStore, TestFiles } from '../ports.js';
import { createRedactor } from '../redact.js';
import type { RunOptions, Target } from '../target.js';
import { runDoc } from './run-doc.js';
import { secretForms } from './secrets.js';
import { createFilter, domainOfId, selectByDelete, selectByStatus } from './select.js';

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
}

/** A doc's header fields as its result reports them (none when the doc could not be understood). */
interface DocMeta {
  readonly domain: string;
  readonly endpoint?: string;
  readonly tags?: readonly string[];
  readonly status?: DocStatus;
}

/**
 * What pass one keeps per doc in the run. `meta` is absent when pass one had no need to read the
 * frontmatter (no domain/tag filter, and the doc cannot declare useFallbackApi): runOne takes it from
 * the full parse instead.
 */
interface DocInfo {
  readonly id: string;
  readonly meta?: DocMeta;
  /** The text pass one read, kept for the doc's turn (within KEPT_TEXT_CHARS for the run). */
  text?: string;
}

/** Doc text pass one keeps for the run (so each doc is read once); beyond it, docs are read again. */
const KEPT_TEXT_CHARS = 2 * 1024 * 1024;

const metaOf = (id: string, header: DocHeader | undefined): DocMeta =>
  header
    ? { domain: header.domain, endpoint: header.endpoint, tags: header.tags, status: header.status }
    : { domain: domainOfId(id) };

/**
 * Whether the frontmatter may set useFallbackApi: the key spelled out, or a backslash (a YAML escape
 * could spell it). When neither, the doc adds no fallback endpoint and pass one can skip its YAML.
 */
const mayDeclareFallback = (text: string): boolean => text.includes('useFallbackApi') || text.includes('\\');

/** Results that may wait for the store at once (at least `concurrency`). */
export const MAX_UNSTORED = 16;

/** Docs read at once while listing. */
const PASS_ONE_READS = 16;

const renderFinding = (f: Finding): string => `${f.doc}:${f.line}: ${f.message}`;

export async function runDocs(target: Target, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const { clock, store } = deps;
  const emit = deps.onEvent ?? (() => {});
  const redactor = createRedactor(secretForms(Object.values(target.credentials.tokens)));
  const rules = deps.rules ?? DEFAULT_RULES;
  const runId = options.runId;
  const startedAt = clock.now().toISOString();

  // Pass one (frontmatter only): which docs are in the run, and which endpoints other docs route to the
  // fallback API. It must finish before the first request, so it stays cheap.
  const filter = createFilter(options.filters);
  const fallbackEndpoints = new Set<string>();
  // Reads in parallel (a remote DocSource is latency-bound); keeps the small DocInfo and, within a
  // budget, the text, so each doc is read once.
  const readLimit = pLimit(PASS_ONE_READS);
  const ids = await deps.docs.list();
  let kept = 0;
  const keep = (info: DocInfo, text: string | undefined): DocInfo => {
    if (text !== undefined && kept + text.length <= KEPT_TEXT_CHARS) {
      kept += text.length;
      info.text = text;
    }
    return info;
  };
  const filtersNeedHeader = Boolean(options.filters?.domains?.length || options.filters?.tags?.length);
  const infos = await Promise.all(
    ids.map((id) =>
      readLimit(async (): Promise<DocInfo | undefined> => {
        // A doc that cannot be read here is still in the run: pass two reports it as error.
        // Only the frontmatter is read here: the steps are parsed once, in runOne.
        const text = await deps.docs.read(id).catch(() => undefined);
        if (text !== undefined && !filtersNeedHeader) {
          // Only routing matters here: endpoint and useFallbackApi, read without the other keys' checks.
          const routing = mayDeclareFallback(text) ? readDocRouting(id, text) : undefined;
          for (const key of fallbackEndpointsOf([routing])) fallbackEndpoints.add(key);
          return filter(id, '', []) ? keep({ id }, text) : undefined;
        }
        const doc = text === undefined ? undefined : readDocHeader(id, text);
        for (const key of fallbackEndpointsOf([doc])) fallbackEndpoints.add(key);
        const meta = metaOf(id, doc);
        if (!filter(id, meta.domain, doc?.tags ?? [])) return undefined;
        return keep({ id, meta }, text);
      }),
    ),
  );
  const inRun = infos.filter((i): i is DocInfo => i !== undefined);

  await store.startRun({
    runId,
    startedAt,
    status: 'running',
    ...(options.trigger ? { trigger: options.trigger } : {}),
    ...(options.filters ? { filters: { ...options.filters } } : {}),
  });
  emit({ type: 'run-started', runId, total: inRun.length, at: startedAt });

  const paramNames = new Set(Object.keys(target.credentials.params));
  const summary = emptySummary();
  const observations: Observation[] = [];
  const docCtx = {
    target,
    http: deps.http,
    clock,
    redactor,
    rules,
    fallbackEndpoints,
    testFiles: deps.testFiles,
  };
  const stopNow = (): boolean =>
    (options.deadline !== undefined && clock.now().getTime() >= options.deadline.getTime()) ||
    (deps.shouldStop?.() ?? false);

  /** What a doc's result holds besides its header fields and timing. */
  type Body = Omit<DocResult, keyof DocMeta | 'doc' | 'startedAt' | 'durationMs'>;
  /** A doc read, parsed and linted: ready to send, or already decided (invalid, skip, error). */
  type Prepared = { readonly meta: DocMeta } & (
    | { readonly kind: 'ready'; readonly doc: Doc }
    | { readonly kind: 'decided'; readonly body: Body }
  );

  /** Reads, parses and lints one doc; never throws. Sends nothing, so it may run ahead of the doc's turn. */
  const prepare = async (info: DocInfo): Promise<Prepared> => {
    let meta = info.meta ?? { domain: domainOfId(info.id) };
    const decided = (body: Body): Prepared => ({ kind: 'decided', meta, body });
    let text: string;
    try {
      text = info.text ?? (await deps.docs.read(info.id));
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
      const parseErrors = parsed.findings.filter((f) => f.severity === 'error');
      if (!doc) {
        const first = parseErrors[0];
        return decided({
          outcome: 'invalid',
          reason: first ? renderFinding(first) : `${info.id}: could not be parsed`,
          steps: [],
          findings: parseErrors,
        });
      }
      const byStatus = selectByStatus(doc.status, options.filters?.include, doc.skipReason);
      if (!byStatus.run) return decided({ outcome: 'skip', reason: byStatus.reason, steps: [] });
      const lintErrors = lintDoc(parsed, { paramNames, fallbackEndpoints, errorsOnly: true }).filter(
        (f) => f.severity === 'error',
      );
      const errors = dedupe([...parseErrors, ...lintErrors, ...sleepFindings(doc, options.maxSleepMs)]);
      const firstError = errors[0];
      if (firstError)
        return decided({
          outcome: 'invalid',
          reason: renderFinding(firstError),
          steps: [],
          findings: errors,
        });
      const byDelete = selectByDelete(doc, options.allowDelete);
      if (!byDelete.run) return decided({ outcome: 'skip', reason: byDelete.reason, steps: [] });
      return { kind: 'ready', meta, doc };
    } catch (err) {
      // A bug while reading one doc must not cost the others their results.
      return decided({ outcome: 'error', reason: `internal error: ${(err as Error).message}`, steps: [] });
    }
  };

  // Look-ahead: while the docs in flight wait on the network, the next ones are read, parsed and
  // linted, so a free slot sends its first request at once. At most `concurrency` docs are prepared
  // ahead; none once a doc has found the run stopping.
  //
  // I/O comes first: docs are prepared one per event-loop turn, after that turn's poll phase (a
  // setImmediate scheduled from a setImmediate), so a finished connect or a response that arrived is
  // served before the next doc is parsed. A doc whose turn came before the look-ahead reached it is
  // "due": it is prepared first, in the same one-per-turn way. At the start of a run every slot's doc
  // is due, so the first doc's request leaves before the second doc is parsed, and so on.
  const prepared = new Map<number, Promise<Prepared>>();
  /** Set once a doc found the run stopping (deadline, shouldStop): nothing more is prepared ahead. */
  let stopping = false;
  /** Docs runOne has taken: never prepared ahead (they are due instead, if they need preparing). */
  const taken = new Set<number>();
  const due: { readonly info: DocInfo; readonly take: (p: Promise<Prepared>) => void }[] = [];
  /** The look-ahead wants docs up to this index prepared; `aheadNext` is the next one to look at. */
  let aheadLast = -1;
  let aheadNext = 0;
  let aheadScheduled = false;
  const wantsAhead = () => aheadNext <= aheadLast && !fault && !stopping;
  const prepareTurn = () => {
    aheadScheduled = false;
    const first = due.shift();
    if (first) first.take(prepare(first.info));
    else {
      while (wantsAhead()) {
        const j = aheadNext++;
        const next = inRun[j];
        if (!next || taken.has(j) || prepared.has(j)) continue;
        prepared.set(j, prepare(next));
        break;
      }
    }
    schedulePrepare();
  };
  const schedulePrepare = () => {
    if (aheadScheduled || (due.length === 0 && !wantsAhead())) return;
    aheadScheduled = true;
    setImmediate(() => setImmediate(prepareTurn));
  };
  const lookAhead = (i: number) => {
    aheadLast = Math.max(aheadLast, Math.min(inRun.length - 1, i + Math.max(1, options.concurrency)));
    aheadNext = Math.max(aheadNext, i + 1);
    schedulePrepare();
  };
  const prepareDue = (info: DocInfo): Promise<Prepared> =>
    new Promise((take) => {
      due.push({ info, take });
      schedulePrepare();
    });

  const runOne = async (info: DocInfo, index: number): Promise<DocResult> => {
    const started = clock.now();
    let meta = info.meta ?? { domain: domainOfId(info.id) };
    const done = (r: Body): DocResult => ({
      doc: info.id,
      domain: meta.domain,
      ...(meta.endpoint ? { endpoint: meta.endpoint } : {}),
      ...(meta.tags ? { tags: meta.tags } : {}),
      ...(meta.status ? { status: meta.status } : {}),
      startedAt: started.toISOString(),
      ...r,
      // A doc may hard-code a token; nothing that quotes the doc may carry it out.
      ...(r.reason !== undefined ? { reason: redactor.text(r.reason) } : {}),
      ...(r.findings ? { findings: redactor.value(r.findings) } : {}),
      durationMs: clock.now().getTime() - started.getTime(),
    });
    taken.add(index);
    const ahead = prepared.get(index);
    prepared.delete(index);
    if (stopNow()) {
      stopping = true;
      if (ahead) meta = (await ahead).meta;
      else if (!info.meta) {
        const text = await deps.docs.read(info.id).catch(() => undefined);
        meta = metaOf(info.id, text === undefined ? undefined : readDocHeader(info.id, text));
      }
      return done({ outcome: 'skip', reason: 'deadline', steps: [] });
    }
    lookAhead(index);
    emit({ type: 'doc-started', doc: info.id });
    const p = await (ahead ?? prepareDue(info));
    meta = p.meta;
    if (p.kind === 'decided') return done(p.body);
    try {
      const run = await runDoc(docCtx, p.doc, p.doc.status === 'active');
      observations.push(...run.observations);
      for (const message of run.warnings) emit({ type: 'warning', message: redactor.text(message) });
      return done({ outcome: run.outcome, ...(run.reason ? { reason: run.reason } : {}), steps: run.steps });
    } catch (err) {
      // A bug while running one doc must not cost the others their results.
      return done({ outcome: 'error', reason: `internal error: ${(err as Error).message}`, steps: [] });
    }
  };

  let fault: unknown;
  const limit = pLimit(Math.max(1, options.concurrency));
  // A concurrency slot is held while a doc runs, not while its result is stored: the durable write
  // overlaps the next doc's requests (and a store may gather several results into one write). No doc
  // starts while MAX_UNSTORED results wait for the store, so a slow store slows the run down instead
  // of piling results up in memory.
  const recording = new Set<Promise<void>>();
  const maxUnstored = Math.max(MAX_UNSTORED, options.concurrency);
  const record = (result: DocResult): Promise<void> => {
    const p = store.recordDocResult(runId, result).then(
      () => {
        summary[result.outcome]++;
        summary.total++;
        emit({ type: 'doc-finished', result });
      },
      (err: unknown) => {
        fault ??= err;
      },
    );
    const tracked = p.finally(() => recording.delete(tracked));
    recording.add(tracked);
    return tracked;
  };
  await Promise.all(
    inRun.map((info, index) =>
      limit(async () => {
        if (fault) return;
        try {
          while (recording.size >= maxUnstored) await Promise.race(recording);
          if (fault) return;
          void record(await runOne(info, index));
        } catch (err) {
          fault ??= err;
        }
      }),
    ),
  );
  while (recording.size > 0) await Promise.all(recording);
  const businessId = businessIdOf(target);
  try {
    if (fault) throw fault;
    const alerts = await applyObservations({ store, businessId, runId, now: clock.now(), observations });
    const finishedAt = clock.now().toISOString();
    await store.finishRun(runId, finishedAt, summary, 'finished');
    for (const alert of alerts) {
      emit({ type: 'alert', alert });
      try {
        await deps.alerts?.publish(alert);
      } catch (err) {
        emit({ type: 'warning', message: redactor.text(`alert delivery failed: ${(err as Error).message}`) });
      }
    }
    const businesses = (await store.listBusinesses()).map((b) => ({
      businessId: b.businessId,
      condition: b.condition,
      since: b.since,
    }));
    const result: RunResult = { runId, startedAt, finishedAt, summary, businesses };
    emit({ type: 'run-finished', result });
    return result;
  } catch (err) {
    await store.finishRun(runId, clock.now().toISOString(), summary, 'failed').catch(() => {});
    throw err;
  }
}

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

function businessIdOf(target: Target): string {
  const id = target.credentials.params.business_id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : 'default';
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.line}\u0000${f.code}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
