// `--report json=FILE`: the run report of issue 2, `{ runId, startedAt, finishedAt, summary, docs,
// businesses }`. Doc results are streamed to a part file as they finish and the report is assembled
// at close, so memory does not grow with the number of docs.
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../../engine/model.js';
import { emptySummary } from '../../engine/model.js';
import type { RunEvent } from '../../engine/ports.js';
import { addToSummary } from '../../engine/report/summary.js';
import {
  openPartSink,
  type ReportWriter,
  readLines,
  siblingPath,
  writeFileFromChunks,
} from './stream-file.js';

export type { ReportWriter } from './stream-file.js';

export interface ReportWriterOptions {
  /** Time source for a report closed before the run finished. @default - the system clock */
  readonly now?: () => Date;
}

export function createJsonReportWriter(file: string, options: ReportWriterOptions = {}): ReportWriter {
  const now = options.now ?? (() => new Date());
  mkdirSync(dirname(file), { recursive: true });
  const partsPath = siblingPath(file, 'docs.jsonl');
  const parts = openPartSink(partsPath);
  const counted = emptySummary();
  let runId = '';
  let startedAt: string | undefined;
  let finished: RunResult | undefined;
  let closing: Promise<void> | undefined;

  async function* chunks(): AsyncGenerator<string> {
    const summary = finished?.summary ?? counted;
    const head = {
      runId: finished?.runId ?? runId,
      startedAt: finished?.startedAt ?? startedAt ?? now().toISOString(),
      finishedAt: finished?.finishedAt ?? now().toISOString(),
      // A report closed before 'run-finished' (an aborted run) says so.
      ...(finished ? {} : { incomplete: true }),
      summary,
    };
    yield `${JSON.stringify(head).slice(0, -1)},"docs":[`;
    let first = true;
    for await (const line of readLines(partsPath)) {
      yield `${first ? '\n' : ',\n'}${line}`;
      first = false;
    }
    const contract = finished?.contract ? `,"contract":${JSON.stringify(finished.contract)}` : '';
    yield `${first ? '' : '\n'}],"businesses":${JSON.stringify(finished?.businesses ?? [])}${contract}}\n`;
  }

  return {
    onEvent(e: RunEvent) {
      if (closing) return;
      switch (e.type) {
        case 'run-started':
          runId = e.runId;
          startedAt = e.at;
          break;
        case 'doc-finished':
          parts.write(`${JSON.stringify(e.result)}\n`);
          addToSummary(counted, e.result.outcome);
          break;
        case 'run-finished':
          finished = e.result;
          break;
      }
    },
    close() {
      closing ??= (async () => {
        try {
          await parts.end();
          await writeFileFromChunks(file, chunks);
        } finally {
          await rm(partsPath, { force: true });
        }
      })();
      return closing;
    },
  };
}
