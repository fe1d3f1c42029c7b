// Renders run events for a person. On a terminal: one live progress line rewritten in place, with
// problem docs printed above it as they finish. Elsewhere: one plain line per finished doc. Both end
// with a summary by domain, each problem doc explained, and the alerts. Only renders: no decisions.
import type { Alert, DocResult, RunResult, Summary } from '../lambda/engine/model.js';
import { emptySummary } from '../lambda/engine/model.js';
import { byText } from '../lambda/engine/order.js';
import type { RunEvent } from '../lambda/engine/ports.js';
import { addToSummary, isProblem } from '../lambda/engine/report/summary.js';
import {
  alertBlock,
  docLine,
  domainTable,
  formatClock,
  formatDuration,
  makePaint,
  printable,
  problemBlock,
  promiseLines,
  promisesLine,
  totalsLine,
} from './console-summary.js';

export interface ConsoleRendererOptions {
  readonly stream: { write(chunk: string): unknown };
  /** Live progress line when true; plain lines otherwise (deterministic, for logs and tests). */
  readonly isTTY: boolean;
  /** ANSI colours. @default - same as `isTTY` */
  readonly color?: boolean;
  /** Milliseconds clock for elapsed and ETA. @default - `Date.now` */
  readonly now?: () => number;
  /** How often the TTY progress line refreshes between events; 0 disables. @default - 1000 */
  readonly tickMs?: number;
  /** A note on a finished doc, shown after its line (`failing since …, 5 runs` from the state). */
  readonly note?: (result: DocResult) => string | undefined;
}

export interface ConsoleRenderer {
  onEvent(e: RunEvent): void;
  /** Stops the progress line; prints the summary of what was seen if the run never finished. */
  close(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function createConsoleRenderer(options: ConsoleRendererOptions): ConsoleRenderer {
  const { stream, isTTY } = options;
  const paint = makePaint(options.color ?? isTTY);
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 1000;
  const out = (text: string) => stream.write(text);

  let runId = '';
  let total = 0;
  let startedAtMs = now();
  const counts = emptySummary();
  const byDomain = new Map<string, Summary>();
  const problems: DocResult[] = [];
  const alerts: Alert[] = [];
  const authCounts = new Map<string, number>();
  let progressShown = false;
  let ended = false;
  let ticker: ReturnType<typeof setInterval> | undefined;

  function progressLine(): string {
    const elapsed = now() - startedAtMs;
    const done = counts.total;
    const other = done - counts.pass - counts.fail;
    const eta = done > 0 && done < total ? formatClock((elapsed / done) * (total - done)) : '--';
    return (
      `[${done}/${total}] ${paint('pass', `${counts.pass} pass`)} · ${paint('fail', `${counts.fail} fail`)} · ` +
      `${other} other · ${formatClock(elapsed)} elapsed · ETA ${eta}`
    );
  }

  const drawProgress = () => {
    if (!isTTY || ended) return;
    out(`${CLEAR_LINE}${progressLine()}`);
    progressShown = true;
  };
  /** Writes whole lines; on a TTY they go above the progress line, which is then redrawn. */
  const println = (lines: string[]) => {
    if (isTTY && progressShown) out(CLEAR_LINE);
    out(`${lines.join('\n')}\n`);
    progressShown = false;
    drawProgress();
  };
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  function onDocFinished(finished: DocResult): void {
    const note = options.note?.(finished);
    const result = note
      ? { ...finished, reason: `${finished.reason ?? ''} (${note})`.trimStart() }
      : finished;
    addToSummary(counts, result.outcome);
    const domain = byDomain.get(result.domain) ?? emptySummary();
    byDomain.set(result.domain, addToSummary(domain, result.outcome));
    if (isProblem(result.outcome)) problems.push(result);
    for (const f of result.auth ?? []) authCounts.set(f.finding, (authCounts.get(f.finding) ?? 0) + 1);
    const promises = promiseLines(result, paint);
    if (!isTTY || isProblem(result.outcome) || promises.length)
      println([docLine(result, paint), ...promises]);
    else drawProgress();
  }

  function finalSection(result: RunResult | undefined): string[] {
    const sorted = new Map([...byDomain].sort(([a], [b]) => byText(a, b)));
    const lines = ['', 'Summary by domain', ...domainTable(sorted, counts)];
    if (problems.length) {
      lines.push('', `Problems (${problems.length})`);
      for (const p of problems) lines.push(...problemBlock(p, paint));
    }
    if (alerts.length) {
      lines.push('', `Alerts (${alerts.length})`);
      for (const a of alerts) lines.push(...alertBlock(a, paint));
    }
    const summary = result?.summary ?? counts;
    const took = result
      ? ` in ${formatDuration(Date.parse(result.finishedAt) - Date.parse(result.startedAt))}`
      : '';
    const state = !result
      ? `did not finish (${counts.total} of ${total} docs done)`
      : result.interrupted
        ? `was interrupted (${counts.total} of ${total} docs done; the others did not start)`
        : 'finished';
    lines.push('', printable(`run ${result?.runId ?? runId} ${state}${took}: ${totalsLine(summary)}`));
    const promises = promisesLine(result?.contract, authCounts);
    if (promises) lines.push(printable(promises));
    return lines;
  }

  function end(result: RunResult | undefined): void {
    stopTicker();
    if (isTTY && progressShown) out(CLEAR_LINE);
    progressShown = false;
    ended = true;
    out(`${finalSection(result).join('\n')}\n`);
  }

  return {
    onEvent(e) {
      if (ended) return;
      switch (e.type) {
        case 'run-started':
          runId = e.runId;
          total = e.total;
          startedAtMs = now();
          println([printable(`verifier: run ${e.runId}, ${e.total} doc${e.total === 1 ? '' : 's'}`)]);
          if (isTTY && tickMs > 0 && !ticker) {
            ticker = setInterval(drawProgress, tickMs);
            ticker.unref?.();
          }
          break;
        case 'doc-started':
          break;
        case 'doc-finished':
          onDocFinished(e.result);
          break;
        case 'warning':
          println([printable(`warning: ${e.message}`)]);
          break;
        case 'alert':
          alerts.push(e.alert);
          break;
        case 'run-finished':
          end(e.result);
          break;
      }
    },
    close() {
      if (!ended && (runId !== '' || counts.total > 0)) end(undefined);
      stopTicker();
      ended = true;
    },
  };
}
