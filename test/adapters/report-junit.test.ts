import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJunitReportWriter, renderTestcase } from '../../lambda/adapters/report/junit-report.js';
import { stripInvalidXml, xmlAttr, xmlText } from '../../lambda/adapters/report/xml.js';
import type { DocResult } from '../../lambda/engine/model.js';
import { ALL, failed, runEvents, STARTED } from '../engine/report-fixtures.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'testsuite' || name === 'testcase',
  parseAttributeValue: false,
  htmlEntities: true,
  trimValues: false,
});

type Case = {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; type: string; '#text': string };
  error?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
};
type Suite = Record<string, string> & { testcase: Case[] };

async function writeReport(dir: string, results: readonly DocResult[]): Promise<string> {
  const file = join(dir, 'junit.xml');
  const writer = createJunitReportWriter(file);
  for (const e of runEvents(results)) writer.onEvent(e);
  await writer.close();
  return readFile(file, 'utf8');
}

describe('JUnit report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verifier-junit-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is well-formed XML with one testsuite per domain and one testcase per doc', async () => {
    const xml = await writeReport(dir, ALL);
    expect(XMLValidator.validate(xml)).toBe(true);
    const root = parser.parse(xml).testsuites;
    expect(root).toMatchObject({ name: 'verifier', tests: '6', failures: '2', errors: '2', skipped: '1' });
    const suites: Suite[] = root.testsuite;
    expect(suites.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped])).toEqual([
      ['billing', '1', '0', '1', '0'],
      ['communication', '3', '1', '1', '0'],
      ['crm', '2', '1', '0', '1'],
    ]);
    expect(suites[0]?.timestamp).toBe(STARTED);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases.map((c) => c.name).sort()).toEqual(ALL.map((r) => r.doc).sort());
    expect(await readdir(dir)).toEqual(['junit.xml']);
  });

  it('maps each outcome to the element CI tools understand', async () => {
    const root = parser.parse(await writeReport(dir, ALL)).testsuites;
    const byName = new Map<string, Case>(
      root.testsuite.flatMap((s: Suite) => s.testcase.map((c) => [c.name, c])),
    );
    const pass = byName.get('communication/get_messages.md');
    expect(pass).toEqual({
      name: 'communication/get_messages.md',
      classname: 'communication',
      time: '0.120',
    });
    expect(byName.get('communication/post_platform_v1_messages.md')?.failure?.type).toBe('fail');
    expect(byName.get('crm/broken.md')?.failure).toMatchObject({
      type: 'invalid',
      message: 'line 14: step "get": unknown variable {{staff_idd}}',
    });
    expect(byName.get('billing/get_invoices.md')?.error).toMatchObject({
      type: 'error',
      message: 'step "list" (line 20): expected any 2xx, no response: timeout after 30000 ms',
    });
    expect(byName.get('communication/send_sms.md')?.error?.type).toBe('blocked');
    expect(byName.get('communication/send_sms.md')?.error?.['#text']).toContain(
      'condition: spam_flagged (rule spam-422-empty-data)',
    );
    expect(byName.get('crm/delete_client.md')?.skipped).toEqual({ message: 'deletes disabled' });
  });

  it('puts the failing step, expected vs actual and the body excerpt in the failure text, escaped', async () => {
    const root = parser.parse(await writeReport(dir, [failed])).testsuites;
    const failure = root.testsuite[0].testcase[0].failure;
    expect(failure.message).toBe('step "create_message" (line 52): expected 201, got 500');
    expect(failure['#text'].split('\n')).toEqual([
      'reason: step "create_message" (line 52): expected 201, got 500',
      'step: "create_message" (test, line 52) POST http://127.0.0.1:4010/platform/v1/messages',
      'expected: 201',
      'actual: 500',
      'error: expected 201, got 500',
      // the control character \u0001 cannot exist in XML and is dropped; the rest round-trips
      `body: {"error":"<boom> & 'quotes'  \u{1F600}"}`,
    ]);
  });

  it('escapes hostile names and strips characters XML cannot carry', async () => {
    const hostile: DocResult = {
      ...failed,
      doc: 'weird/"quoted" <doc> & \u0000\u001b\uFFFE\uD800.md',
      domain: 'a&b<c>',
      reason: 'line1\nline2\t"x"',
    };
    const xml = await writeReport(dir, [hostile]);
    expect(XMLValidator.validate(xml)).toBe(true);
    for (const bad of ['\u0000', '\u001b', '\uFFFE']) expect(xml.includes(bad)).toBe(false);
    const suite = parser.parse(xml).testsuites.testsuite[0];
    expect(suite.name).toBe('a&b<c>');
    expect(suite.testcase[0].name).toBe('weird/"quoted" <doc> & .md');
    expect(suite.testcase[0].failure['#text']).toContain('reason: line1\nline2\t"x"');
  });

  it('renders a testcase with its attributes first and the failure text after', () => {
    const xml = renderTestcase(failed);
    expect(xml.startsWith('<testcase name="communication/post_platform_v1_messages.md"')).toBe(true);
    expect(xml).toContain(
      'classname="communication" time="0.340"><failure message="step &quot;create_message&quot;',
    );
    expect(xml).toContain('body: {"error":"&lt;boom&gt; &amp; \'quotes\'  \u{1F600}"}</failure></testcase>');
  });

  it('escapes text and attributes', () => {
    expect(xmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
    expect(xmlAttr(`"x" 'y'\n`)).toBe('&quot;x&quot; &apos;y&apos;&#10;');
  });

  it('writes an empty but valid report for a run with no docs', async () => {
    const xml = await writeReport(dir, []);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).testsuites).toMatchObject({ tests: '0', failures: '0' });
  });
});

describe('JUnit escaping, for any text', () => {
  it('keeps the report well-formed and the text intact apart from characters XML cannot carry', () => {
    const wrap = (testcase: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><testsuite>${testcase}</testsuite>`;
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom<DocResult['outcome']>('fail', 'error', 'blocked', 'invalid', 'skip', 'pass'),
        (name, text, outcome) => {
          const result: DocResult = {
            ...failed,
            doc: name,
            outcome,
            reason: text,
            steps: [{ ...failed.steps[1], bodyExcerpt: text } as never],
          };
          const xml = wrap(renderTestcase(result));
          expect(XMLValidator.validate(xml)).toBe(true);
          const testcase = parser.parse(xml).testsuite[0].testcase[0];
          expect(testcase.name).toBe(stripInvalidXml(name));
          if (outcome === 'skip') expect(testcase.skipped.message).toBe(stripInvalidXml(text || 'skipped'));
        },
      ),
      { seed: 7, numRuns: 100 },
    );
  });
});
