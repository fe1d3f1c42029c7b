// The doc generators produce what they claim, so properties built on them test real breakage.
import fc from 'fast-check';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  binaryDoc,
  brokenDoc,
  deepNestingDoc,
  docText,
  hugeDoc,
  missingSectionsDoc,
  truncatedDoc,
  unicodeDoc,
  unsafePaths,
  validDoc,
  wrongTypesDoc,
  yamlBomb,
  yamlBombDoc,
} from '../support/doc-arbitraries.js';

const SEED = 20261125;
const sample = <T>(arb: fc.Arbitrary<T>, n = 40): T[] => fc.sample(arb, { seed: SEED, numRuns: n });

function testBlock(text: string): string | undefined {
  return /## Test Request\n\n```yaml\n([\s\S]*?)```/.exec(text)?.[1];
}

describe('doc arbitraries', () => {
  it('valid docs have frontmatter and a steps block whose steps call /ok', () => {
    for (const d of sample(validDoc)) {
      expect(matter(d.text).data).toMatchObject({ status: 'verified', domain: 'reliability' });
      const steps = parse(testBlock(d.text) ?? '').steps as { path: string }[];
      expect(steps.length).toBeGreaterThan(0);
      for (const s of steps) expect(s.path).toBe('/ok');
    }
  });

  it('truncated docs are strict prefixes of a valid doc', () => {
    const full = docText().slice(0, 20);
    const docs = sample(truncatedDoc, 60);
    expect(docs.some((d) => d.text.length < 20 && full.startsWith(d.text))).toBe(true);
    for (const d of docs) expect(d.text.startsWith('---\n'.slice(0, d.text.length))).toBe(true);
  });

  it('wrong-type docs change a known key, and missing-section docs cover every missing part', () => {
    const kinds = new Set(sample(wrongTypesDoc, 200).map((d) => d.kind.split('.')[0]));
    expect(kinds).toEqual(new Set(['wrong-type:step', 'wrong-type:frontmatter', 'wrong-type:steps']));
    const missing = new Set(sample(missingSectionsDoc, 300).map((d) => d.kind));
    expect(missing.has('missing:no-test-request')).toBe(true);
    expect(missing.has('missing:no-frontmatter')).toBe(true);
    expect(missing.has('missing:empty-file')).toBe(true);
  });

  it('deep nesting reaches thousands of levels', () => {
    const deepest = Math.max(...sample(deepNestingDoc, 60).map((d) => d.text.split('[').length - 1));
    expect(deepest).toBeGreaterThan(1000);
  });

  it('unicode and binary docs contain characters outside printable ASCII', () => {
    expect(sample(unicodeDoc).some((d) => [...d.text].some((c) => c > '\x7e'))).toBe(true);
    expect(
      sample(binaryDoc).some((d) => [...d.text].some((c) => (c.codePointAt(0) ?? 0) < 9 || c > '\x7f')),
    ).toBe(true);
  });

  it('a YAML bomb expands exponentially: the yaml library refuses it', () => {
    const [doc] = parseAllDocuments(yamlBomb(9, 9));
    expect(() => doc?.toJS()).toThrow(/alias/i);
    expect(yamlBomb(9, 9).length).toBeLessThan(1000);
    expect(sample(yamlBombDoc, 30).map((d) => d.kind)).toContain('bomb:body');
  });

  it('the huge doc has the requested size and still parses as a doc', () => {
    const text = hugeDoc(10 * 1024 * 1024);
    expect(text.length).toBe(10 * 1024 * 1024);
    expect(matter(text).data).toMatchObject({ status: 'verified' });
  });

  it('unsafe paths all point away from the target or do not start with a single slash', () => {
    for (const p of unsafePaths('evil.example')) {
      const joined = new URL(p, 'http://127.0.0.1:1/base/');
      const leaves = joined.host !== '127.0.0.1:1' || !/^\/(?!\/)/.test(p) || /%2e|%2f|%252e|\\/i.test(p);
      expect(leaves, p).toBe(true);
    }
  });

  it('broken docs mix every family', () => {
    const families = new Set(sample(brokenDoc, 300).map((d) => d.kind.split(':')[0]));
    expect([...families].sort()).toEqual(
      ['binary', 'bomb', 'deep', 'missing', 'random-yaml', 'truncated', 'unicode', 'wrong-type'].sort(),
    );
  });
});
