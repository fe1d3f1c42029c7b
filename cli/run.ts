// `verifier run`: validates flags (+ --config), wires the adapters (undici, local docs, local state,
// test files, webhook), subscribes the console and the report writers to run events, and turns the
// summary into an exit code: 0 nothing fail/error/blocked/invalid, 1 otherwise, 2 usage error.
import { createUndiciHttpClient } from '../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { createLocalTestFiles } from '../lambda/adapters/local/test-files.js';
import { createJsonReportWriter } from '../lambda/adapters/report/json-report.js';
import { createJunitReportWriter } from '../lambda/adapters/report/junit-report.js';
import type { ReportWriter } from '../lambda/adapters/report/stream-file.js';
import { createWebhookAlertSink } from '../lambda/adapters/webhook/webhook-sink.js';
import type { Summary } from '../lambda/engine/model.js';
import { type RunEvent, systemClock } from '../lambda/engine/ports.js';
import { createRedactor } from '../lambda/engine/redact.js';
import { runDocs } from '../lambda/engine/run/run-docs.js';
import { newRunId } from '../lambda/engine/run/run-id.js';
import { secretForms } from '../lambda/engine/run/secrets.js';
import type { DocFilters, Target } from '../lambda/engine/target.js';
import { createConsoleRenderer } from './console.js';
import { createLineBuffer } from './line-buffer.js';
import { type RunCliOptions, resolveRunConfig, UsageError } from './run-config.js';

export type { RunCliOptions } from './run-config.js';

export interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly isTTY: boolean;
}

/** Exit 1 when any doc ended fail, error, blocked or invalid. */
export const exitCodeFor = (s: Summary): number => (s.fail + s.error + s.blocked + s.invalid > 0 ? 1 : 0);

export async function executeRun(opts: RunCliOptions, io: RunIo): Promise<number> {
  let config: ReturnType<typeof resolveRunConfig>;
  try {
    config = resolveRunConfig(opts);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`verifier run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const redactor = createRedactor(secretForms(Object.values(config.credentials.tokens)));
  const target: Target = {
    baseUrl: config.baseUrl,
    ...(config.fallbackUrl ? { fallbackUrl: config.fallbackUrl } : {}),
    ...(config.partnersUrl ? { partnersUrl: config.partnersUrl } : {}),
    credentials: config.credentials,
  };
  const filters: DocFilters = {
    ...(config.domains.length ? { domains: config.domains } : {}),
    ...(config.tags.length ? { tags: config.tags } : {}),
    ...(config.docGlobs.length ? { docs: config.docGlobs } : {}),
    ...(config.include.length ? { include: config.include } : {}),
  };
  const now = systemClock.now();
  const runId = newRunId(now);
  const http = createUndiciHttpClient({ rps: config.rps, timeoutMs: config.timeoutMs });
  // Not a terminal (CI log, pipe, file): one line per doc, written in batches.
  const stdout = io.isTTY ? undefined : createLineBuffer(io.stdout);
  const renderer = createConsoleRenderer({ stream: stdout ?? io.stdout, isTTY: io.isTTY });
  const writers: ReportWriter[] = config.reports.map((r) =>
    r.kind === 'json' ? createJsonReportWriter(r.file) : createJunitReportWriter(r.file),
  );
  const warn = (m: string) => {
    stdout?.flush();
    io.stderr.write(`${redactor.text(m)}\n`);
  };
  const onEvent = (e: RunEvent) => {
    renderer.onEvent(e);
    for (const w of writers) w.onEvent(e);
  };
  let code = 1;
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
      },
      {
        docs: createLocalDocSource(config.docs),
        http,
        store: createLocalStateStore({ dir: config.state }),
        clock: systemClock,
        rules: config.rules,
        onEvent,
        ...(config.testFiles ? { testFiles: createLocalTestFiles(config.testFiles) } : {}),
        ...(config.alertWebhook
          ? { alerts: createWebhookAlertSink({ url: config.alertWebhook, onError: warn }) }
          : {}),
      },
    );
    code = exitCodeFor(result.summary);
  } catch (err) {
    warn(`verifier run: the run stopped: ${(err as Error).message}`);
  } finally {
    renderer.close();
    stdout?.flush();
    for (const w of writers) {
      await w
        .close()
        .catch((err: unknown) => warn(`verifier run: report not written: ${(err as Error).message}`));
    }
    await http.close();
  }
  return code;
}
