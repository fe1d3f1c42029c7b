// `verifier status [--state DIR] [--html FILE]`: the state at a glance. Without --html, a terminal
// summary (last run, security findings, open incidents, business and target conditions, mutes); with it,
// the status page.
import { resolve } from 'node:path';
import { createLocalDocSource } from '../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { writeFileFromChunks } from '../lambda/adapters/report/stream-file.js';
import { OUTCOMES } from '../lambda/engine/model.js';
import { knownIssuesFrom } from '../lambda/report-html/known-issues.js';
import type { StatusView } from '../lambda/report-html/model.js';
import { renderStatusPage } from '../lambda/report-html/render.js';
import { formatMs, formatTime } from '../lambda/report-html/stats.js';
import type { StatusSource } from '../lambda/report-html/status-source.js';
import { buildStatusView } from '../lambda/report-html/status-view.js';

export interface StatusCommandOptions {
  readonly state?: string;
  readonly html?: string;
  /** Docs folder, for the Known Issues of docs that do not pass. */
  readonly docs?: string;
  readonly target?: string;
}

export interface StatusIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** Writes the status page of a local state folder to `file`; returns the view it rendered. */
export async function writeStatusPage(
  options: { state: string; file: string; docs?: string; target?: string },
  now = new Date(),
): Promise<StatusView> {
  const store: StatusSource = createLocalStateStore({ dir: options.state });
  const view = await buildStatusView(store, {
    now,
    ...(options.target ? { target: options.target } : {}),
    ...(options.docs ? { knownIssues: knownIssuesFrom(createLocalDocSource(options.docs)) } : {}),
  });
  const html = renderStatusPage(view);
  await writeFileFromChunks(options.file, async function* () {
    yield html;
  });
  return view;
}

export function statusText(view: StatusView): string {
  const lines: string[] = [];
  const run = view.lastRun;
  if (!run) lines.push('no run recorded yet');
  else {
    const s = run.summary;
    const counts = s ? OUTCOMES.map((o) => `${s[o]} ${o}`).join(', ') : 'no summary (running or stopped)';
    const took = run.durationMs !== undefined ? `, took ${formatMs(run.durationMs)}` : '';
    lines.push(
      `last run ${run.runId} at ${formatTime(run.startedAt)} (${run.trigger ?? 'unknown trigger'}${took})`,
    );
    lines.push(`  ${counts}`);
  }
  const section = (name: string, items: readonly { title: string; details: readonly string[] }[]) => {
    lines.push(`${name} (${items.length})`);
    for (const i of items) {
      lines.push(`  ${i.title}`);
      for (const d of i.details.slice(0, 4)) lines.push(`    ${d}`);
    }
  };
  section('security: tokens accepted that the docs say are refused', view.security);
  section('open incidents', view.incidents);
  section('target conditions', view.conditions);
  const flagged = view.businesses.filter((b) => b.condition !== 'ok');
  lines.push(`business conditions (${flagged.length} of ${view.businesses.length} not ok)`);
  for (const b of view.businesses)
    lines.push(`  ${b.businessId}: ${b.condition} since ${formatTime(b.since)}`);
  section('active mutes', view.mutes);
  const problems = view.domains.flatMap((d) =>
    d.docs.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip'),
  );
  lines.push(`docs not passing (${problems.length})`);
  for (const r of problems.slice(0, 20))
    lines.push(`  ${r.outcome.toUpperCase().padEnd(8)}${r.doc}${r.reason ? `: ${r.reason}` : ''}`);
  if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more (see --html FILE)`);
  return `${lines.join('\n')}\n`;
}

export async function statusCommand(opts: StatusCommandOptions, io: StatusIo): Promise<number> {
  const state = resolve(opts.state ?? '.verifier');
  try {
    if (opts.html) {
      const file = resolve(opts.html);
      await writeStatusPage({
        state,
        file,
        ...(opts.docs ? { docs: resolve(opts.docs) } : {}),
        ...(opts.target ? { target: opts.target } : {}),
      });
      io.stdout(`status page written to ${file}\n`);
      return 0;
    }
    const store: StatusSource = createLocalStateStore({ dir: state });
    io.stdout(statusText(await buildStatusView(store, { now: new Date() })));
    return 0;
  } catch (err) {
    io.stderr(`verifier status: cannot read the state in ${state}: ${(err as Error).message}\n`);
    return 1;
  }
}
