// One renderer for both pages: a view model in, one self-contained HTML string out (eta templates with
// autoescape; inline CSS and JS; no request to any other origin).
import { Eta } from 'eta/core';
import { OUTCOMES, type Summary } from '../engine/model.js';
import { isProblem } from '../engine/report/summary.js';
import { CSS, JS } from './assets.js';
import { chartSvg, inlineJson, stripHtml } from './fragments.js';
import type { HistoryCell, PageView, RunReportView, RunView, StatusView } from './model.js';
import { formatMs, formatPercent, formatTime } from './stats.js';
import { DETAIL, DOMAINS, HEADER, HEALTH, PAGE, ROW, RUN_COLUMNS, STATUS_COLUMNS } from './templates.js';

// autoTrim 'nl': the newline after a tag is dropped (a big page is mostly template whitespace otherwise).
const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true });
eta.loadTemplate('@page', PAGE);
eta.loadTemplate('@header', HEADER);
eta.loadTemplate('@health', HEALTH);
eta.loadTemplate('@domains', DOMAINS);
eta.loadTemplate('@row', ROW);
eta.loadTemplate('@detail', DETAIL);

const summaryText = (s: Summary): string =>
  [`${s.total} docs`, ...OUTCOMES.filter((o) => s[o] > 0).map((o) => `${s[o]} ${o}`)].join(' · ');

function helpers(view: PageView) {
  const summary = view.kind === 'run' ? view.summary : view.lastRun?.summary;
  const runs: readonly RunView[] = view.kind === 'status' ? view.runs : [];
  const tags = new Set<string>();
  for (const d of view.domains) for (const r of d.docs) for (const t of r.tags) tags.add(t);
  return {
    css: CSS,
    js: JS,
    outcomes: OUTCOMES,
    summary,
    summaryJson: JSON.stringify(summary ?? null),
    summaryText,
    tags: [...tags].sort(),
    columns: view.kind === 'status' ? STATUS_COLUMNS : RUN_COLUMNS,
    runsJson: inlineJson(runs.map((r) => `${formatTime(r.startedAt)} (${r.runId})`)),
    time: formatTime,
    ms: formatMs,
    pct: formatPercent,
    problem: isProblem,
    strip: (cells: readonly HistoryCell[]) => stripHtml(cells, runs),
    chart: chartSvg,
  };
}

export function renderPage(view: PageView): string {
  return eta.render('@page', { v: view, h: helpers(view) });
}

export const renderStatusPage = (view: StatusView): string => renderPage(view);
export const renderRunReport = (view: RunReportView): string => renderPage(view);
