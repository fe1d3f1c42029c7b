// The page's hot inner loops, written as plain string building (a 2,000-doc page has 192,000 history
// cells): the history strip and the outcomes chart. Every text that is not a number goes through esc().
import { OUTCOMES, type Outcome, type Summary } from '../engine/model.js';
import type { HistoryCell, RunView } from './model.js';
import { formatTime } from './stats.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** HTML-escapes text for element content and quoted attributes (the same set eta escapes). */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Strip cell classes; a passing cell has none (the default colour), which keeps big pages small. */
export const CELL_CLASS: Record<Outcome, string> = {
  pass: '',
  fail: 'f',
  error: 'e',
  blocked: 'b',
  invalid: 'v',
  skip: 's',
};

/**
 * The strip: one `<i>` per run of equal cells (same outcome, same step), `--n` cells long; CSS draws
 * each cell of a segment with a 1 px gap, so it reads as one cell per run. A 2,000-doc page has 192,000
 * cells, and one element per cell was most of its paint time. The strip's title summarises it for
 * readers without JS; with JS, hovering a cell shows its outcome, the run's time and the failing step
 * (`data-s` on the strip, or on a segment whose step differs).
 */
export function stripHtml(cells: readonly HistoryCell[], _runs: readonly RunView[]): string {
  const counts = new Map<string, number>();
  const steps = new Map<string, number>();
  for (const c of cells) {
    counts.set(c.outcome ?? 'not run', (counts.get(c.outcome ?? 'not run') ?? 0) + 1);
    if (c.step) steps.set(c.step, (steps.get(c.step) ?? 0) + 1);
  }
  const common = [...steps].sort((a, b) => b[1] - a[1])[0]?.[0];
  let out = '';
  for (let i = 0; i < cells.length; ) {
    const cell = cells[i] as HistoryCell;
    let n = 1;
    while (i + n < cells.length && cells[i + n]?.outcome === cell.outcome && cells[i + n]?.step === cell.step)
      n++;
    i += n;
    const o = cell.outcome;
    const cls = o === undefined ? ' class=n' : o === 'pass' ? '' : ` class=${CELL_CLASS[o]}`;
    const len = n > 1 ? ` style=--n:${n}` : '';
    const step = o && o !== 'pass' && cell.step && cell.step !== common ? ` data-s="${esc(cell.step)}"` : '';
    out += `<i${cls}${len}${step}></i>`;
  }
  const title = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const step = common ? ` data-s="${esc(common)}"` : '';
  return `<span class=strip${step} title="last ${cells.length} runs: ${esc(title)}">${out}</span>`;
}

const COLOURS: Record<Outcome, string> = {
  pass: '#2e9e5b',
  fail: '#d93b3b',
  error: '#e07b1a',
  blocked: '#8e44ad',
  invalid: '#b8860b',
  skip: '#9aa4ae',
};

/** Outcomes per run over time: one stacked bar per run (share of the run's docs), server-rendered SVG. */
export function chartSvg(runs: readonly RunView[]): string {
  const withSummary = runs.filter((r): r is RunView & { summary: Summary } => Boolean(r.summary?.total));
  if (withSummary.length === 0) return '<p class=legend>No finished run yet.</p>';
  const w = 10;
  // At least 48 slots, newest on the right, so a few runs do not make a few giant bars.
  const slots = Math.max(withSummary.length, 48);
  const offset = slots - withSummary.length;
  let bars = '';
  withSummary.forEach((run, j) => {
    const i = j + offset;
    const s = run.summary;
    let y = 100;
    let rects = '';
    for (const o of OUTCOMES) {
      const h = (s[o] / s.total) * 100;
      if (h <= 0) continue;
      y -= h;
      rects += `<rect x="${i * w + 1}" y="${y.toFixed(2)}" width="${w - 2}" height="${h.toFixed(2)}" fill="${COLOURS[o]}"/>`;
    }
    const label = OUTCOMES.filter((o) => s[o] > 0)
      .map((o) => `${s[o]} ${o}`)
      .join(', ');
    bars += `<g><title>${esc(`${formatTime(run.startedAt)} (${run.runId}): ${label}`)}</title>${rects}</g>`;
  });
  const legend = OUTCOMES.map((o) => `<span class=${o}>${o}</span>`).join('');
  return `<svg viewBox="0 0 ${slots * w} 100" preserveAspectRatio="none" role="img" aria-label="outcomes per run, oldest on the left">${bars}</svg><div class=legend>${legend}</div>`;
}

/** JSON for an inline <script type="application/json">: no `<` can close the element early. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');
}
