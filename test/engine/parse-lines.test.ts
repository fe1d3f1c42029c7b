// Lines of keys inside a step, looked up in its YAML when lint asks (lineIn), with parseDoc's pointers.
import { describe, expect, it } from 'vitest';
import { lineIn } from '../../lambda/engine/parse/lines.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const text = [
  '---',
  'status: verified',
  '---',
  '## Test Request',
  '```yaml',
  'steps:',
  '  - id: a',
  '    method: POST',
  '    path: /x',
  '    headers:',
  '      X-Trace: "1"',
  '    body:',
  '      list:',
  '        - first',
  '        - { k: v }',
  '      1: int key',
  '      "1": string key',
  '  - id: b',
  '    method: GET',
  '    path: /y',
  '```',
].join('\n');

describe('lineIn', () => {
  const parsed = parseDoc('d.md', text);
  const [a, b] = parsed.doc?.test ?? [];

  it('finds the line of a key, an item and a key inside an item', () => {
    expect(parsed.findings).toEqual([]);
    if (!a || !b) throw new Error('steps missing');
    expect(lineIn(a, ['path'])).toBe(9);
    expect(lineIn(a, ['headers', 'X-Trace'])).toBe(11);
    expect(lineIn(a, ['body', 'list', 0])).toBe(14);
    expect(lineIn(a, ['body', 'list', 1, 'k'])).toBe(15);
    expect(lineIn(b, ['path'])).toBe(20);
  });

  it('falls back to the nearest recorded parent, then to the step line', () => {
    if (!a) throw new Error('step missing');
    expect(lineIn(a, ['headers', 'Missing'])).toBe(10);
    // Map keys are strings and sequence items numbers: a mismatched pointer falls back.
    expect(lineIn(a, ['body', 'list', '0'])).toBe(13);
    expect(lineIn(a, ['nothing', 'here'])).toBe(7);
    expect(lineIn(a, [])).toBe(7);
  });

  it('takes the last of two keys with the same text, as the value does', () => {
    if (!a) throw new Error('step missing');
    expect(a.body).toMatchObject({ 1: 'string key' });
    expect(lineIn(a, ['body', '1'])).toBe(17);
  });
});

describe('step values', () => {
  const stepDoc = (...extra: string[]) =>
    parseDoc(
      'd.md',
      [
        '---',
        'status: verified',
        '---',
        '## Test Request',
        '```yaml',
        'steps:',
        '  - id: a',
        '    method: GET',
        '    path: /x',
        ...extra,
        '```',
      ].join('\n'),
    );

  it('turns explicitly tagged timestamps into ISO strings, nested too', () => {
    const parsed = stepDoc(
      '    body: { at: !!timestamp 2026-01-02T03:04:05Z, list: [!!timestamp 2026-01-03] }',
    );
    expect(parsed.doc?.test[0]?.body).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      list: ['2026-01-03T00:00:00.000Z'],
    });
  });

  it('reports a self-referencing alias as a YAML finding instead of a cyclic value', () => {
    const parsed = stepDoc('    body: &x [1, *x]');
    expect(parsed.doc?.test).toEqual([]);
    expect(parsed.findings.map((f) => [f.code, f.line])).toEqual([['yaml-syntax', 6]]);
  });
});
