import { describe, expect, it } from 'vitest';
import { checkJsonPath } from '../../lambda/engine/parse/jsonpath-check.js';
import { findTemplates, resolveTemplates } from '../../lambda/engine/parse/templates.js';

const values: Record<string, unknown> = { n: 42, s: 'abc', b: false, nil: null, obj: { a: 1 }, list: [1, 2] };
const lookup = (name: string) =>
  Object.hasOwn(values, name) ? { found: true, value: values[name] } : { found: false };

describe('resolveTemplates (FORMAT.md §4 typing)', () => {
  it('keeps the JSON type of a whole-value template at any depth', () => {
    const input = { a: '{{n}}', b: ['{{b}}', { c: '{{ obj }}' }], d: '{{nil}}', e: '{{list}}' };
    expect(resolveTemplates(input, lookup)).toEqual({
      a: 42,
      b: [false, { c: { a: 1 } }],
      d: null,
      e: [1, 2],
    });
  });

  it('interpolates embedded templates as strings', () => {
    expect(resolveTemplates('user+{{n}}@example.com', lookup)).toBe('user+42@example.com');
    expect(resolveTemplates('{{s}}-{{n}}-{{b}}-{{obj}}-{{nil}}', lookup)).toBe('abc-42-false-{"a":1}-');
    expect(resolveTemplates('/x/{{s}}', lookup)).toBe('/x/abc');
  });

  it('leaves unknown and unsupported templates as written and does not mutate its input', () => {
    const input = { p: '/m/{{resolved.uid}}/{{missing}}', q: '{{missing}}' };
    expect(resolveTemplates(input, lookup)).toEqual(input);
    const body = { k: '{{n}}' };
    resolveTemplates(body, lookup);
    expect(body).toEqual({ k: '{{n}}' });
  });

  it('keeps a __proto__ key as data', () => {
    const input: unknown = JSON.parse('{"__proto__": {"polluted": "{{s}}"}}');
    const out = resolveTemplates(input, lookup);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 'abc' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('findTemplates', () => {
  it('finds templates in nested values and marks unsupported expressions', () => {
    expect(
      findTemplates({ a: ['x {{ client_id }} y', { b: '{{resolved.uid}}' }], c: 3, d: '{{t | slice: -4}}' }),
    ).toEqual([
      { name: 'client_id', raw: '{{ client_id }}', supported: true },
      { name: 'resolved.uid', raw: '{{resolved.uid}}', supported: false },
      { name: 't | slice: -4', raw: '{{t | slice: -4}}', supported: false },
    ]);
  });
});

describe('checkJsonPath', () => {
  it.each([
    '$',
    '$.data.clients[0].id',
    '$[0].uid',
    "$.data.items[?(@.name == 'x')].uid",
    '$.data.items[?(@.count > 2 && @.count < 9)].id',
    '$.data.items[?(@.state != "done")]',
    "$['data']['id']",
    '$.data[*].id',
  ])('accepts %s', (path) => {
    expect(checkJsonPath(path)).toBeUndefined();
  });

  it.each([
    ["$.a || 'default'", 'unexpected'],
    ['$.data | [0]', 'unexpected'],
    ['{{client_id}}', 'template'],
    ['data.id', 'does not start with "$"'],
    ['$.data[', 'expected'],
    ['$.data[?(@.a ==)]', 'expected'],
    ['$.data[?(@.a == process.exit())]', 'expected'],
    ["$.data[?@.k == 'v'].id", 'expected "(" after "?"'],
    ['$.data[-1].id', 'expected an index'],
  ])('rejects %s', (path, why) => {
    expect(checkJsonPath(path)).toContain(why);
  });
});
