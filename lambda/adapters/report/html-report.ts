// `--report html=FILE`: the run report as one self-contained HTML page (lambda/report-html). The page
// needs every result at once (it is grouped and ordered), so results are kept in memory until close;
// written atomically like the other reports.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DocResult, RunResult } from '../../engine/model.js';
import type { RunEvent } from '../../engine/ports.js';
import { isProblem } from '../../engine/report/summary.js';
import { collectKnownIssues, type KnownIssuesLookup } from '../../report-html/known-issues.js';
import { renderRunReport } from '../../report-html/render.js';
import { buildRunReportView } from '../../report-html/run-view.js';
import type { ReportWriterOptions } from './json-report.js';
import { type ReportWriter, writeFileFromChunks } from './stream-file.js';

export interface HtmlReportOptions extends ReportWriterOptions {
  /** Shown in the header (a base URL; never a token). */
  readonly target?: string;
  /** Last line of defence: applied to every string of the page's data (the engine already redacts). */
  readonly redact?: <T>(value: T) => T;
  /** The Known Issues of a doc that did not pass, shown in its detail. */
  readonly knownIssues?: KnownIssuesLookup;
}

export function createHtmlReportWriter(file: string, options: HtmlReportOptions = {}): ReportWriter {
  const now = options.now ?? (() => new Date());
  mkdirSync(dirname(file), { recursive: true });
  const results: DocResult[] = [];
  let runId = '';
  let startedAt: string | undefined;
  let finished: RunResult | undefined;
  let closing: Promise<void> | undefined;

  async function render(): Promise<string> {
    const known = await collectKnownIssues(
      options.knownIssues,
      results.filter((r) => isProblem(r.outcome)).map((r) => r.doc),
    );
    const end = finished?.finishedAt ?? now().toISOString();
    const start = finished?.startedAt ?? startedAt ?? end;
    const view = buildRunReportView({
      run: {
        runId: finished?.runId ?? runId,
        startedAt: start,
        finishedAt: end,
        trigger: 'cli',
        durationMs: Date.parse(end) - Date.parse(start),
        ...(finished ? { summary: finished.summary } : {}),
      },
      results,
      businesses: finished?.businesses ?? [],
      incomplete: !finished,
      ...(options.target ? { target: options.target } : {}),
      generatedAt: now().toISOString(),
      knownIssues: (doc) => known.get(doc),
    });
    return renderRunReport(options.redact ? options.redact(view) : view);
  }

  return {
    onEvent(e: RunEvent) {
      if (closing) return;
      if (e.type === 'run-started') {
        runId = e.runId;
        startedAt = e.at;
      } else if (e.type === 'doc-finished') results.push(e.result);
      else if (e.type === 'run-finished') finished = e.result;
    },
    close() {
      closing ??= writeFileFromChunks(file, async function* () {
        yield await render();
      });
      return closing;
    },
  };
}
