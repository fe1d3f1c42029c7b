// parseYaml reads with js-yaml (fast) and falls back to the yaml library (full document model) for
// errors, anchors, collection keys and the lines of findings. Both must give the same value, the
// same issues and the same lines: checked here on every YAML block of the corpus, the seeds and the
// lint fixtures, on hand-picked edge cases of the core schema, and on generated documents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { splitFrontmatter } from '../../lambda/engine/parse/frontmatter.js';
import { readSections } from '../../lambda/engine/parse/sections.js';
import { type ParsedYaml, parseWithYaml, parseYaml } from '../../lambda/engine/parse/yaml-source.js';

const ROOTS = ['../shared/corpus', 'seeds', 'test/fixtures/lint'];

function docsUnder(root: string): { id: string; text: string }[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((id) => ({ id, text: readFileSync(join(root, id), 'utf8') }));
}

/** Every YAML source parseDoc hands to parseYaml, with the file line it starts on. */
function yamlBlocks(text: string): { source: string; firstLine: number }[] {
  const lines = text.split('\n');
  const split = splitFrontmatter('d.md', lines);
  const sections = readSections([
    ...Array<string>(split.lineCount).fill(''),
    ...lines.slice(split.lineCount),
  ]);
  const out: { source: string; firstLine: number }[] = [];
  if (split.yaml !== undefined) out.push({ source: split.yaml, firstLine: 2 });
  for (const block of [sections.prerequisites?.block, sections.test?.block]) {
    if (block) out.push({ source: block.source, firstLine: block.firstLine });
  }
  return out;
}

/** Paths of every key and item, as the yaml library records them. */
function allPaths(full: ParsedYaml): (string | number)[][] {
  return [...full.linesUnder([]).keys()].map((k) => JSON.parse(k) as (string | number)[]);
}

function expectSameReading(source: string, firstLine: number): void {
  const fast = parseYaml(source, firstLine);
  const full = parseWithYaml(source, firstLine);
  expect(fast.issues).toEqual(full.issues);
  expect(fast.value).toEqual(full.value);
  for (const at of allPaths(full)) expect([at, fast.lineAt(at)]).toEqual([at, full.lineAt(at)]);
  expect(fast.linesUnder([])).toEqual(full.linesUnder([]));
}

describe('parseYaml reads like the yaml library', () => {
  const blocks = ROOTS.flatMap((root) =>
    docsUnder(root).flatMap((d) => yamlBlocks(d.text).map((b) => ({ ...b, id: `${root}/${d.id}` }))),
  );

  it('on every YAML block of the corpus, the seeds and the lint fixtures: value, issues, every line', () => {
    expect(blocks.length).toBeGreaterThan(300);
    for (const b of blocks) {
      try {
        expectSameReading(b.source, b.firstLine);
      } catch (err) {
        throw new Error(`${b.id} (block at line ${b.firstLine}): ${(err as Error).message}`);
      }
    }
  });

  it.each([
    ['ints', 'a: 12\nb: +12\nc: -0\nd: 0o17\ne: 0x1F\nf: 0b101\ng: 1_000\nh: 012\ni: 9007199254740993'],
    ['floats', 'a: .5\nb: 1.\nc: 1e3\nd: -.5e+3\ne: .inf\nf: -.Inf\ng: .NaN\nh: 1e\ni: 0.'],
    ['null and bool', 'a: ~\nb: Null\nc:\nd: TRUE\ne: yes\nf: on\ng: False'],
    [
      'strings that look like other things',
      'a: 2024-01-01\nb: 1:20\nc: "12"\nd: \'it\'\'s\'\ne: "\\u0041\\n"',
    ],
    ['block scalars', 'a: |\n  x\n  y\nb: >-\n  x\n  y\n'],
    ['explicit tags', 'a: !!str 12\nb: !!int "12"\nc: !!float 1\nd: !!null ""\ne: !!bool "true"'],
    ['unknown tags', 'a: !custom x\nb: !!binary aGVsbG8='],
    ['anchors and merge keys', 'b: &a {x: 1}\nc:\n  <<: *a\nd: *a'],
    ['a collection as a key', '? [a]\n: b\nc: 1'],
    ['int-like and quoted keys', '1: a\n"1": b\n2: c'],
    ['__proto__ as a key', '__proto__: x\nconstructor: y'],
    ['flow collections', 'a: {p: 1, q}\nb: [1, {c: d}, [e]]\nsteps: [{id: x}, {id: y}]'],
    ['items on the next line', 'steps:\n  -\n    id: a\n  - # note\n    id: b\n  - plain\n  - [1, 2]'],
    ['empty and comment-only', ''],
    ['comment only', '# nothing here'],
    ['a scalar document', 'just text'],
    ['directives', '%YAML 1.1\n---\na: yes'],
  ])('on %s', (_name, source) => {
    expectSameReading(source, 5);
  });

  it.each([
    ['an unclosed flow sequence', '[a, b'],
    ['a reserved indicator', 'a: @x'],
    ['duplicate keys', 'a: 1\na: 2'],
    ['duplicate keys in a flow map', 'a: {b: 1, b: 2}'],
    ['two documents', 'a: 1\n---\nb: 2'],
    ['a tab as indentation', 'a:\n\t- x'],
    ['a nested map on one line', 'a: b: c'],
    ['a map under a list item without a dash', 'a:\n  - b\n  c: d'],
  ])('reports the yaml library issues for %s', (_name, source) => {
    const fast = parseYaml(source, 3);
    expect(fast.issues.length).toBeGreaterThan(0);
    expect(fast.issues).toEqual(parseWithYaml(source, 3).issues);
    expect(fast.value).toBeUndefined();
  });

  it('stops a billion-laughs document through the yaml library alias limit', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    const parsed = parseYaml(bomb, 1);
    expect(parsed.issues.map((i) => i.code)).toEqual(['yaml-bomb']);
    expect(parsed.value).toBeUndefined();
  });

  it('on generated documents, block and flow style', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('1', 'true', 'null', '~', '-1.5', 'a b'),
    );
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('0o17', '0x1F', '1e3', '.5', 'True', 'NULL', '~', '', ' x ', '#', '- a', 'a: b'),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, flow) => {
        const source = stringify({ steps: v }, flow ? { collectionStyle: 'flow' } : {});
        expectSameReading(source, 4);
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });
});
