// `--report junit=FILE`: one <testsuite> per domain, one <testcase> per doc. fail/invalid are
// <failure>, error/blocked are <error>, skip is <skipped message=reason>. Test cases are streamed
// to one part file per domain as docs finish; the file is assembled at close.
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DocResult, Outcome, RunResult } from '../../engine/model.js';
import { byText } from '../../engine/order.js';
import type { RunEvent } from '../../engine/ports.js';
import { failureDetail, failureMessage } from '../../engine/report/summary.js';
import type { ReportWriterOptions } from './json-report.js';
import { renderPromiseCases } from './junit-promises.js';
import {
  openPartSink,
  type PartSink,
  type ReportWriter,
  readLines,
  siblingPath,
  writeFileFromChunks,
} from './stream-file.js';
import { attrs, xmlText } from './xml.js';

const ELEMENT: Partial<Record<Outcome, 'failure' | 'error'>> = {
  fail: 'failure',
  invalid: 'failure',
  error: 'error',
  blocked: 'error',
};

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** One <testcase> element; failure text keeps its newlines. */
export function renderTestcase(result: DocResult): string {
  const head = `<testcase${attrs({ name: result.doc, classname: result.domain, time: seconds(result.durationMs) })}`;
  if (result.outcome === 'pass') return `${head}/>`;
  if (result.outcome === 'skip')
    return `${head}><skipped${attrs({ message: result.reason || 'skipped' })}/></testcase>`;
  const element = ELEMENT[result.outcome] ?? 'error';
  const text = failureDetail(result).join('\n');
  const body = `<${element}${attrs({ message: failureMessage(result), type: result.outcome })}>${xmlText(text)}</${element}>`;
  return `${head}>${body}</testcase>`;
}

interface Suite {
  readonly part: string;
  readonly sink: PartSink;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

export function createJunitReportWriter(file: string, options: ReportWriterOptions = {}): ReportWriter {
  const now = options.now ?? (() => new Date());
  mkdirSync(dirname(file), { recursive: true });
  const suites = new Map<string, Suite>();
  let startedAt: string | undefined;
  let finished: RunResult | undefined;
  let closing: Promise<void> | undefined;

  const suiteFor = (domain: string): Suite => {
    let suite = suites.get(domain);
    if (!suite) {
      const part = siblingPath(file, `suite-${suites.size}.jsonl`);
      suite = { part, sink: openPartSink(part), tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
      suites.set(domain, suite);
    }
    return suite;
  };

  function add(result: DocResult): void {
    const suite = suiteFor(result.domain);
    suite.tests++;
    suite.ms += result.durationMs;
    if (result.outcome === 'skip') suite.skipped++;
    else if (ELEMENT[result.outcome] === 'failure') suite.failures++;
    else if (ELEMENT[result.outcome] === 'error') suite.errors++;
    // JSON-encoded so a multi-line testcase stays one line of the part file
    suite.sink.write(`${JSON.stringify(renderTestcase(result))}\n`);
    for (const c of renderPromiseCases(result)) {
      suite.tests++;
      if (c.failed) suite.failures++;
      suite.sink.write(`${JSON.stringify(c.xml)}\n`);
    }
  }

  async function* chunks(): AsyncGenerator<string> {
    const all = [...suites.values()];
    const total = (k: 'tests' | 'failures' | 'errors' | 'skipped' | 'ms') =>
      all.reduce((n, s) => n + s[k], 0);
    const timestamp = finished?.startedAt ?? startedAt ?? now().toISOString();
    yield '<?xml version="1.0" encoding="UTF-8"?>\n';
    yield `<testsuites${attrs({
      name: 'verifier',
      tests: total('tests'),
      failures: total('failures'),
      errors: total('errors'),
      skipped: total('skipped'),
      time: seconds(total('ms')),
      timestamp,
    })}>\n`;
    for (const [domain, s] of [...suites].sort(([a], [b]) => byText(a, b))) {
      const suiteAttrs = {
        name: domain,
        tests: s.tests,
        failures: s.failures,
        errors: s.errors,
        skipped: s.skipped,
      };
      yield `  <testsuite${attrs({ ...suiteAttrs, time: seconds(s.ms), timestamp })}>\n`;
      for await (const line of readLines(s.part)) yield `    ${String(JSON.parse(line))}\n`;
      yield '  </testsuite>\n';
    }
    yield '</testsuites>\n';
  }

  return {
    onEvent(e: RunEvent) {
      if (closing) return;
      if (e.type === 'run-started') startedAt = e.at;
      else if (e.type === 'doc-finished') add(e.result);
      else if (e.type === 'run-finished') finished = e.result;
    },
    close() {
      closing ??= (async () => {
        try {
          await Promise.all([...suites.values()].map((s) => s.sink.end()));
          await writeFileFromChunks(file, chunks);
        } finally {
          await Promise.all([...suites.values()].map((s) => rm(s.part, { force: true })));
        }
      })();
      return closing;
    },
  };
}
