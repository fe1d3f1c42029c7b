// `verifier run`: validates flags (+ --config) and the docs folder before anything starts, wires the
// adapters (undici, local docs, local state, test files, webhook), subscribes the console and the report
// writers to run events, and turns the summary into an exit code: 0 nothing fail/error/blocked/invalid,
// 1 otherwise, 2 usage error, 130 interrupted (Ctrl-C / SIGTERM).
import { createUndiciHttpClient } from '../lambda/adapters/http/undici-client.js';
import { DocSourceError } from '../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { createLocalTestFiles } from '../lambda/adapters/local/test-files.js';
import { createJsonReportWriter } from '../lambda/adapters/report/json-report.js';
import { createJunitReportWriter } from '../lambda/adapters/report/junit-report.js';
import type { ReportWriter } from '../lambda/adapters/report/stream-file.js';
import { createWebhookAlertSink } from '../lambda/adapters/webhook/webhook-sink.js';
import type { DocResult, Summary } from '../lambda/engine/model.js';
import { type Clock, type DocState, type RunEvent, systemClock } from '../lambda/engine/ports.js';
import type { OperationIndex } from '../lambda/engine/promises/operations.js';
import { createTokenRedactor } from '../lambda/engine/redact.js';
import { isProblem } from '../lambda/engine/report/summary.js';
import { runDocs } from '../lambda/engine/run/run-docs.js';
import { newRunId } from '../lambda/engine/run/run-id.js';
import { type DocFilters, targetOf } from '../lambda/engine/target.js';
import { createConsoleRenderer } from './console.js';
import { printable } from './console-summary.js';
import { checkSelection, type DocListing, docsNeedingRoutes, listDocs } from './doc-selection.js';
import { createLineBuffer } from './line-buffer.js';
import { type CliRunConfig, type RunCliOptions, type RunPresets, resolveRunConfig } from './run-config.js';
import { EXIT, UsageError } from './usage-error.js';
import { withAbort, withVerboseLog } from './verbose-http.js';

export type { RunCliOptions } from './run-config.js';

export interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly isTTY: boolean;
  /** ANSI colours (NO_COLOR / FORCE_COLOR decide it in the CLI). @default - same as `isTTY` */
  readonly color?: boolean;
  /**
   * Calls `onSignal` on each Ctrl-C / SIGTERM until the returned function is called. The CLI hooks
   * the process signals; without it a run cannot be interrupted (in-process callers).
   */
  readonly onInterrupt?: (onSignal: () => void) => () => void;
}

/** Exit 1 when any doc ended fail, error, blocked or invalid. */
export const exitCodeFor = (s: Summary): number => (s.fail + s.error + s.blocked + s.invalid > 0 ? 1 : 0);

const ROUTE_FLAGS = {
  fallback: { flag: '--fallback-url', example: 'https://host/api2', what: 'the fallback API' },
  partners: {
    flag: '--partners-url',
    example: 'https://api.host',
    what: 'the partners API (/partners/ paths)',
  },
} as const;

/** Every check that needs the docs, before the run starts: what is a doc, what is selected, which URLs. */
async function checkDocs(config: CliRunConfig, filters: DocFilters): Promise<DocListing> {
  let listing: DocListing;
  try {
    listing = await listDocs({
      root: config.docs,
      exclude: config.exclude,
      ...(config.onlyDoc ? { only: config.onlyDoc } : {}),
    });
  } catch (err) {
    if (err instanceof DocSourceError) throw new UsageError(`--docs: ${err.message}`);
    throw err;
  }
  if (!config.allowEmpty) await checkSelection(listing, filters, config.docs);
  const missing = new Set<'fallback' | 'partners'>();
  if (!config.fallbackUrl) missing.add('fallback');
  if (!config.partnersUrl) missing.add('partners');
  for (const [route, docs] of await docsNeedingRoutes(listing, filters, missing)) {
    const { flag, example, what } = ROUTE_FLAGS[route];
    const shown = docs.slice(0, 5).join(', ') + (docs.length > 5 ? ` and ${docs.length - 5} more` : '');
    throw new UsageError(
      `${flag} is required: ${docs.length} selected doc${docs.length === 1 ? '' : 's'} send${docs.length === 1 ? 's' : ''} steps to ${what} (${shown}); give ${flag} URL (e.g. ${example}), or the --base-url value if the API has no separate one`,
    );
  }
  return listing;
}

/** `failing since 2026-12-03 14:00 UTC, 5 runs` or `new`, from the doc's state before this run. */
export function historyNote(prev: DocState | undefined, outcome: DocState['outcome']): string {
  const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  const failing = (o: DocState['outcome']) => o === 'fail' || o === 'error' || o === 'blocked';
  if (prev && failing(prev.outcome) && failing(outcome))
    return `failing since ${at(prev.since)}, ${prev.consecutiveFailures + 1} runs`;
  if (prev && prev.outcome === outcome) return `${outcome} since ${at(prev.since)}`;
  return prev ? `new: was ${prev.outcome}` : 'new';
}

export async function executeRun(opts: RunCliOptions, io: RunIo, presets: RunPresets = {}): Promise<number> {
  let config: CliRunConfig;
  let listing: DocListing;
  const filters: DocFilters = {};
  try {
    config = resolveRunConfig(opts, presets);
    Object.assign(filters, {
      ...(config.domains.length ? { domains: config.domains } : {}),
      ...(config.tags.length ? { tags: config.tags } : {}),
      ...(config.docGlobs.length ? { docs: config.docGlobs } : {}),
      ...(config.include.length ? { include: config.include } : {}),
    });
    listing = await checkDocs(config, filters);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`verifier run: ${printable(err.message)}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const redactor = createTokenRedactor(config.credentials);
  const target = targetOf(config, config.credentials);
  const now = systemClock.now();
  const runId = newRunId(now);
  const undici = createUndiciHttpClient({ rps: config.rps, timeoutMs: config.timeoutMs });
  // A second Ctrl-C aborts what is in flight: requests and step sleeps.
  const abort = new AbortController();
  let http = withAbort(undici, abort.signal);
  const clock: Clock = {
    now: systemClock.now,
    sleep: (ms, signal) =>
      systemClock.sleep(ms, signal ? AbortSignal.any([signal, abort.signal]) : abort.signal),
  };
  // Not a terminal (CI log, pipe, file): one line per doc, written in batches.
  const stdout = io.isTTY ? undefined : createLineBuffer(io.stdout);
  const warn = (m: string) => {
    stdout?.flush();
    io.stderr.write(`${printable(redactor.text(m))}\n`);
  };
  if (config.verbose) {
    http = withVerboseLog(http, redactor, (text) => {
      stdout?.flush();
      io.stderr.write(text);
    });
  }
  let contractIndex: OperationIndex | undefined;
  if (config.promises.openapi) {
    const { dir, refMap } = config.promises.openapi;
    try {
      // json-schema-ref-parser and Ajv load only for a run that checks contracts.
      const { loadOperationIndex } = await import('./openapi.js');
      contractIndex = await loadOperationIndex(dir, refMap, warn);
    } catch (err) {
      io.stderr.write(`verifier run: --openapi: ${printable((err as Error).message)}\n`);
      await undici.close();
      return EXIT.usage;
    }
  }
  const store = createLocalStateStore({ dir: config.state });
  const before = new Map<string, DocState>();
  try {
    for (const s of await store.listDocStates()) before.set(s.doc, s);
  } catch (err) {
    warn(`verifier run: the previous doc states could not be read (${(err as Error).message})`);
  }
  const renderer = createConsoleRenderer({
    stream: stdout ?? io.stdout,
    isTTY: io.isTTY,
    ...(io.color !== undefined ? { color: io.color } : {}),
    note: (result) =>
      isProblem(result.outcome) ? historyNote(before.get(result.doc), result.outcome) : undefined,
  });
  for (const i of listing.ignored) (stdout ?? io.stdout).write(printable(`ignored ${i.id}: ${i.reason}\n`));
  for (const [flag, url] of [
    ['--fallback-url', config.fallbackUrl],
    ['--partners-url', config.partnersUrl],
  ] as const) {
    if (url === config.baseUrl) (stdout ?? io.stdout).write(`${flag} is the base URL: ${printable(url)}\n`);
  }
  // The HTML renderer (eta) loads only for a run that writes an HTML report.
  const html = config.reports.some((r) => r.kind === 'html')
    ? {
        ...(await import('../lambda/adapters/report/html-report.js')),
        ...(await import('../lambda/report-html/known-issues.js')),
      }
    : undefined;
  const writers: ReportWriter[] = config.reports.map((r) =>
    r.kind === 'json'
      ? createJsonReportWriter(r.file)
      : r.kind === 'html' && html
        ? html.createHtmlReportWriter(r.file, {
            target: config.baseUrl,
            redact: redactor.value,
            knownIssues: html.knownIssuesFrom(listing.source),
          })
        : createJunitReportWriter(r.file),
  );
  let signals = 0;
  let bailedOn: string | undefined;
  const bail = (result: DocResult): boolean => {
    if (!config.bail || bailedOn !== undefined || !isProblem(result.outcome)) return false;
    bailedOn = result.doc;
    warn(`verifier run: --bail: ${result.doc} ended ${result.outcome}; no more docs start`);
    return true;
  };
  const passed: string[] = [];
  const onEvent = (e: RunEvent) => {
    if (e.type === 'doc-finished' && e.result.outcome === 'pass') passed.push(e.result.doc);
    renderer.onEvent(e);
    for (const w of writers) w.onEvent(e);
  };
  const stopListening = io.onInterrupt?.(() => {
    signals++;
    if (signals === 1)
      warn(
        'verifier run: interrupted: no more docs start; the docs in flight finish (interrupt again to abort them)',
      );
    else if (signals === 2) {
      warn('verifier run: interrupted again: aborting the docs in flight');
      abort.abort(new Error('interrupted'));
    }
  });
  let code: number = EXIT.problems;
  try {
    const result = await runDocs(
      target,
      {
        runId,
        filters,
        allowDelete: config.allowDelete,
        concurrency: config.concurrency,
        ...(config.deadlineMs !== undefined ? { deadline: new Date(now.getTime() + config.deadlineMs) } : {}),
        trigger: 'cli',
        health: {
          failAfter: config.failAfter,
          recoverAfter: config.recoverAfter,
          rules: config.targetRules,
          rateCapRps: config.rps,
          // Conditions are keyed on the host, so a sandbox on a new port each start is the same target.
          target: new URL(config.baseUrl).hostname,
          ...(config.onlyDoc ? { partial: true } : {}),
        },
      },
      {
        docs: listing.source,
        http,
        store,
        clock,
        rules: config.rules,
        onEvent,
        interrupted: () => signals > 0,
        stopAfter: bail,
        ...(config.testFiles ? { testFiles: createLocalTestFiles(config.testFiles) } : {}),
        promises: {
          authMatrix: config.promises.authMatrix,
          ...(contractIndex
            ? { contract: { index: contractIndex, strict: config.promises.openapi?.strict ?? false } }
            : {}),
        },
        ...(config.alertWebhook
          ? { alerts: createWebhookAlertSink({ url: config.alertWebhook, onError: warn }) }
          : {}),
      },
    );
    code = signals > 0 ? EXIT.interrupted : exitCodeFor(result.summary);
    const wb = config.promises.writeBack;
    if (wb) {
      stdout?.flush();
      const { writeBackDocs } = await import('./write-back-docs.js');
      const lines = await writeBackDocs({ root: config.docs, passed, verifiedAt: result.startedAt, ...wb });
      (stdout ?? io.stdout).write(`${lines.map(printable).join('\n')}\n`);
    }
  } catch (err) {
    warn(`verifier run: the run stopped: ${(err as Error).message}`);
    if (signals > 0) code = EXIT.interrupted;
  } finally {
    stopListening?.();
    renderer.close();
    stdout?.flush();
    for (const w of writers) {
      await w
        .close()
        .catch((err: unknown) => warn(`verifier run: report not written: ${(err as Error).message}`));
    }
    await undici.close();
  }
  return code;
}
