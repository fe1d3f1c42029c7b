import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonReportWriter } from '../../lambda/adapters/report/json-report.js';
import type { DocResult } from '../../lambda/engine/model.js';
import { ALL, FINISHED, passed, RUN_ID, runEvents, runResult, STARTED } from '../engine/report-fixtures.js';

describe('JSON report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verifier-json-report-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the report shape of issue 2, docs in completion order', async () => {
    const file = join(dir, 'out', 'report.json');
    const writer = createJsonReportWriter(file);
    for (const e of runEvents()) writer.onEvent(e);
    await writer.close();
    const report = JSON.parse(await readFile(file, 'utf8'));
    expect(report).toEqual({
      runId: RUN_ID,
      startedAt: STARTED,
      finishedAt: FINISHED,
      summary: { total: 6, pass: 1, fail: 1, error: 1, blocked: 1, invalid: 1, skip: 1 },
      docs: ALL,
      businesses: [{ businessId: 'biz-1', condition: 'spam_flagged', since: STARTED }],
    });
    expect(Object.keys(report)).toEqual([
      'runId',
      'startedAt',
      'finishedAt',
      'summary',
      'docs',
      'businesses',
    ]);
    expect(await readdir(join(dir, 'out'))).toEqual(['report.json']);
  });

  it('writes an empty docs array for a run with no docs', async () => {
    const file = join(dir, 'report.json');
    const writer = createJsonReportWriter(file);
    for (const e of runEvents([])) writer.onEvent(e);
    await writer.close();
    const report = JSON.parse(await readFile(file, 'utf8'));
    expect(report.docs).toEqual([]);
    expect(report.summary.total).toBe(0);
  });

  it('streams each finished doc to disk before the run ends', async () => {
    const file = join(dir, 'report.json');
    const writer = createJsonReportWriter(file);
    writer.onEvent({ type: 'run-started', runId: RUN_ID, total: 2, at: STARTED });
    writer.onEvent({ type: 'doc-finished', result: passed });
    const part = async () => {
      const name = (await readdir(dir)).find((n) => n.endsWith('.docs.jsonl'));
      return name ? readFile(join(dir, name), 'utf8') : '';
    };
    for (let i = 0; i < 200 && !(await part()).includes(passed.doc); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(JSON.parse((await part()).trim())).toEqual(passed);
    expect(await readdir(dir)).not.toContain('report.json');
    writer.onEvent({ type: 'run-finished', result: runResult([passed]) });
    await writer.close();
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('keeps every doc of a large run, in order', async () => {
    const file = join(dir, 'report.json');
    const many: DocResult[] = Array.from({ length: 3000 }, (_, i) => ({
      ...passed,
      doc: `bulk/doc-${i}.md`,
    }));
    const writer = createJsonReportWriter(file);
    for (const e of runEvents(many)) writer.onEvent(e);
    await writer.close();
    const report = JSON.parse(await readFile(file, 'utf8'));
    expect(report.docs).toHaveLength(3000);
    expect(report.docs[2999].doc).toBe('bulk/doc-2999.md');
    expect(report.summary).toMatchObject({ total: 3000, pass: 3000 });
  });

  it('marks a report closed before the run finished as incomplete, with the docs seen', async () => {
    const file = join(dir, 'report.json');
    const writer = createJsonReportWriter(file, { now: () => new Date(FINISHED) });
    const events = runEvents().slice(0, 5); // run-started + two docs
    for (const e of events) writer.onEvent(e);
    await writer.close();
    await writer.close();
    const report = JSON.parse(await readFile(file, 'utf8'));
    expect(report).toMatchObject({
      runId: RUN_ID,
      startedAt: STARTED,
      finishedAt: FINISHED,
      incomplete: true,
    });
    expect(report.summary).toEqual({ total: 2, pass: 1, fail: 1, error: 0, blocked: 0, invalid: 0, skip: 0 });
    expect(report.docs.map((d: DocResult) => d.doc)).toEqual([ALL[0]?.doc, ALL[1]?.doc]);
    expect(report.businesses).toEqual([]);
  });

  it('rejects on close when the report cannot be written', async () => {
    const writer = createJsonReportWriter(join(dir, 'report.json'));
    for (const e of runEvents()) writer.onEvent(e);
    await rm(dir, { recursive: true, force: true });
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
  });
});

describe('JSON report, for any text', () => {
  it('round-trips every doc exactly, whatever characters its strings hold', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verifier-json-prop-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { minLength: 0, maxLength: 20 }),
          async (texts) => {
            const file = join(dir, 'report.json');
            const docs: DocResult[] = texts.map((t, i) => ({
              ...passed,
              doc: `${t}/${i}`,
              reason: t,
              steps: [{ ...passed.steps[0], bodyExcerpt: `${t}\u2028\r\n${t}` } as never],
            }));
            const writer = createJsonReportWriter(file);
            for (const e of runEvents(docs)) writer.onEvent(e);
            await writer.close();
            expect(JSON.parse(await readFile(file, 'utf8')).docs).toEqual(docs);
          },
        ),
        { seed: 11, numRuns: 25 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
