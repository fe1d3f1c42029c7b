// Plain text for health alerts (email, SNS): what broke first, then how to see it yourself.
import type { ConditionAlert, HealthAlert } from './types.js';

const WHAT: Record<HealthAlert['type'], string> = {
  'doc.failing': 'failing',
  'doc.recovered': 'recovered',
  'doc.flapping': 'flapping',
  'target.down': 'target down',
  'target.recovered': 'target recovered',
  'credential.rejected': 'token rejected',
  'credential.recovered': 'token accepted again',
  'target.rate_limited': 'rate limited',
};

/** One line of printable ASCII under 100 characters (SNS email subjects). */
export function healthSubject(alert: HealthAlert): string {
  let what: string;
  if (alert.type === 'doc.failing' || alert.type === 'doc.recovered' || alert.type === 'doc.flapping') {
    const first = alert.docs[0];
    const name = first?.endpoint ?? first?.doc ?? '';
    what =
      alert.docs.length === 1
        ? `${WHAT[alert.type]}: ${name}`
        : `${alert.docs.length} endpoints ${WHAT[alert.type]} (${alert.domains.join(', ')})`;
  } else {
    what = `${WHAT[alert.type]}: ${alert.subject}`;
  }
  const subject = `[verifier] ${what}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length < 100 ? subject : `${subject.slice(0, 96)}...`;
}

export function renderHealthText(alert: HealthAlert): string {
  const lines: string[] = [];
  switch (alert.type) {
    case 'doc.failing': {
      lines.push(
        `${alert.docs.length} documented endpoint(s) started failing (run ${alert.runId}, ${alert.at}):`,
      );
      for (const domain of alert.domains) {
        lines.push('', `[${domain}]`);
        for (const d of alert.docs.filter((x) => x.domain === domain)) {
          lines.push(
            `- ${d.endpoint ?? d.doc}: ${d.outcome}, ${d.failures} run(s) in a row since ${d.since}`,
          );
          if (d.step) {
            const actual = d.step.actual === undefined ? '' : `, got ${d.step.actual}`;
            const expected = d.step.expected.length ? d.step.expected.join(' or ') : '2xx';
            lines.push(
              `    step ${d.step.id}: ${d.step.method} ${d.step.url ?? ''} (expected ${expected}${actual})`,
            );
          }
          if (d.reason) lines.push(`    reason: ${d.reason}`);
          if (d.bodyExcerpt) lines.push(`    body: ${d.bodyExcerpt.replace(/\s+/g, ' ')}`);
          if (d.remedy) lines.push(`    known issue: ${d.remedy.replace(/\n/g, '\n      ')}`);
          lines.push(`    see it: verifier run --doc '${d.doc}'`);
        }
      }
      break;
    }
    case 'doc.recovered':
      lines.push(`${alert.docs.length} endpoint(s) recovered (run ${alert.runId}, ${alert.at}):`);
      for (const d of alert.docs) {
        lines.push(
          `- [${d.domain}] ${d.endpoint ?? d.doc}: failing since ${d.since}, down ${minutes(d.downtimeMs)}`,
        );
      }
      break;
    case 'doc.flapping':
      lines.push(
        `${alert.docs.length} endpoint(s) are flapping: no more failing/recovered alerts for them until 24 h pass without a change.`,
      );
      for (const d of alert.docs)
        lines.push(`- [${d.domain}] ${d.endpoint ?? d.doc}: ${d.cycles} incidents in 24 h`);
      break;
    default:
      lines.push(...conditionLines(alert));
  }
  lines.push('', `Run: ${alert.runId}`, `Alert id: ${alert.idempotencyKey}`);
  return `${lines.join('\n')}\n`;
}

function conditionLines(a: ConditionAlert): string[] {
  const lines: string[] = [];
  if (a.type === 'target.down') {
    lines.push(`Target ${a.subject} is down since ${a.since}: per-doc alerts are held back while it is.`);
  } else if (a.type === 'credential.rejected') {
    lines.push(`Every request with the ${a.subject} token was rejected with 401 since ${a.since}.`);
  } else if (a.type === 'target.rate_limited') {
    lines.push(`Target ${a.subject} kept answering 429 after the retries allowed, since ${a.since}.`);
  } else {
    lines.push(`${a.condition} (${a.subject}) cleared at ${a.at}; it held since ${a.since}.`);
  }
  const e = a.evidence;
  if (e) {
    lines.push('', `Evidence: ${e.matched} of ${e.considered} requests`);
    for (const [kind, n] of Object.entries(e.byKind)) lines.push(`  ${kind}: ${n}`);
    if (e.rateCapRps !== undefined) lines.push(`  rate cap in force: ${e.rateCapRps || 'none'} requests/s`);
    for (const x of e.examples)
      lines.push(`  e.g. ${x.doc} step ${x.step}: ${x.method} ${x.url ?? ''} → ${x.actual}`);
  }
  if (a.remedy) lines.push('', 'Remedy:', `  ${a.remedy}`);
  return lines;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 90 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}
