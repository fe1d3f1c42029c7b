// The end-of-run text: summary table by domain, each problem doc with its failing step, and alerts.
// Pure string building, shared by TTY and plain output (deterministic: it uses only event data).
import { renderHealthText } from '../lambda/engine/health/render.js';
import { isHealthAlert } from '../lambda/engine/health/types.js';
import type { Alert, DocResult, Outcome, Summary } from '../lambda/engine/model.js';
import { OUTCOMES } from '../lambda/engine/model.js';
import { authAlertLine, isAuthAlert } from '../lambda/engine/promises/auth-alerts.js';
import type { ContractTotals } from '../lambda/engine/promises/contract-model.js';
import { excerpt, failureDetail } from '../lambda/engine/report/summary.js';

export type Paint = (outcome: Outcome | 'alert' | 'dim', text: string) => string;

const ANSI: Record<Outcome | 'alert' | 'dim', string> = {
  pass: '32',
  fail: '31',
  error: '35',
  blocked: '33',
  invalid: '31',
  skip: '90',
  alert: '1;33',
  dim: '2',
};

export function makePaint(color: boolean): Paint {
  return color ? (kind, text) => `\x1b[${ANSI[kind]}m${text}\x1b[0m` : (_kind, text) => text;
}

/**
 * Makes text from the API or a doc safe for a terminal: control characters (ANSI escapes a hostile
 * body could carry) are shown as `\xNN` instead of being interpreted. Newlines and tabs survive.
 * Apply it before painting, or it defuses the colour codes too.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `1:05` or `1:02:05`. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export const label = (outcome: Outcome) => outcome.toUpperCase().padEnd(7);

/** One line per finished doc: outcome, doc, duration (and why, when it did not pass). */
export function docLine(result: DocResult, paint: Paint): string {
  const why = result.outcome !== 'pass' && result.reason ? `: ${result.reason}` : '';
  const rest = printable(`${result.doc} (${formatDuration(result.durationMs)})${why}`);
  return `${paint(result.outcome, label(result.outcome))} ${rest}`;
}

export function domainTable(byDomain: ReadonlyMap<string, Summary>, overall: Summary): string[] {
  const headers = ['domain', 'total', ...OUTCOMES];
  const rows = [...byDomain].map(([domain, s]) => [
    domain,
    String(s.total),
    ...OUTCOMES.map((o) => String(s[o])),
  ]);
  rows.push(['all', String(overall.total), ...OUTCOMES.map((o) => String(overall[o]))]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map((r) => printable(line(r)))];
}

const indent = (text: string) => `  ${text.replace(/\n/g, '\n    ')}`;

/** A problem doc: header line, then its failing step, expected vs actual and a body excerpt (≤ 1 KB). */
export function problemBlock(result: DocResult, paint: Paint): string[] {
  const endpoint = result.endpoint ? `  ${result.endpoint}` : '';
  const head = `${paint(result.outcome, result.outcome.toUpperCase())} ${printable(`${result.doc}${endpoint}`)}`;
  return [head, ...failureDetail(result).map((l) => printable(indent(l)))];
}

export function alertBlock(alert: Alert, paint: Paint): string[] {
  if (isAuthAlert(alert)) {
    return [
      `${paint('alert', 'ALERT')} ${printable(`${alert.type}: ${authAlertLine(alert)}`)}`,
      printable(indent(`remedy: ${alert.remedy}`)),
    ];
  }
  if (isHealthAlert(alert)) {
    const [first = '', ...rest] = renderHealthText(alert).trimEnd().split('\n');
    return [
      `${paint('alert', 'ALERT')} ${printable(`${alert.type}: ${first}`)}`,
      ...rest.map((l) => printable(indent(l))),
    ];
  }
  const what =
    alert.type === 'business.spam_flagged'
      ? `business ${alert.businessId} is spam-flagged (since ${alert.since})`
      : `business ${alert.businessId} recovered (since ${alert.since})`;
  const lines: string[] = [];
  const ev = alert.evidence;
  if (ev) {
    lines.push(
      indent(
        `evidence: ${ev.endpoint} answered ${ev.status} at ${ev.at} (doc ${ev.doc}, step "${ev.stepId}", rule ${ev.rule})`,
      ),
    );
    lines.push(indent(`body: ${excerpt(ev.body)}`));
  }
  if (alert.affectedDocs.length) lines.push(indent(`affected docs: ${alert.affectedDocs.join(', ')}`));
  lines.push(indent(`remedy: ${alert.remedy}`));
  return [`${paint('alert', 'ALERT')} ${printable(what)}`, ...lines.map(printable)];
}

/** Under a doc's line: each auth finding other than ok, and its first contract drift. */
export function promiseLines(result: DocResult, paint: Paint): string[] {
  const lines: string[] = [];
  for (const f of result.auth ?? []) {
    if (f.finding === 'ok') continue;
    const got = f.status !== undefined ? ` (${f.status})` : '';
    const said =
      f.documented === 'accepted'
        ? 'Yes'
        : f.expectedStatus !== undefined
          ? `No (${f.expectedStatus})`
          : 'No';
    const what = f.finding === 'auth.accepted' ? 'accepted' : 'refused';
    const text = `${f.finding}: ${f.tokenType} token ${what} on ${f.step}${got}; the doc says ${said}`;
    lines.push(`  ${f.finding === 'auth.accepted' ? paint('alert', printable(text)) : printable(text)}`);
  }
  const drift = (result.contract ?? []).find((c) => !c.valid);
  if (drift) {
    const first = drift.findings[0];
    const where = first ? `: ${first.pointer || '/'} ${first.message}` : '';
    lines.push(
      printable(`  contract: step "${drift.step}" drifted from ${drift.operation} in ${drift.spec}${where}`),
    );
  }
  return lines;
}

/** The run's promise checks in one line, or undefined when none ran. */
export function promisesLine(
  contract: ContractTotals | undefined,
  auth: ReadonlyMap<string, number>,
): string | undefined {
  const parts: string[] = [];
  if (contract)
    parts.push(
      `contract: ${contract.matched} step${contract.matched === 1 ? '' : 's'} matched an operation, ${contract.withSchema} had a schema, ${contract.valid} valid`,
    );
  if (auth.size)
    parts.push(
      `auth: ${[...auth]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    );
  return parts.length ? parts.join('; ') : undefined;
}

export function totalsLine(summary: Summary): string {
  return OUTCOMES.map((o) => `${summary[o]} ${o}`).join(', ');
}
