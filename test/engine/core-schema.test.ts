// The core schema's resolvers (lambda/engine/parse/core-schema.ts) rule a plain scalar out by its
// first character before running their patterns: that must never change which type a scalar gets.
// Checked against the yaml library's core schema on random plain scalars and on the edges.
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CORE_SCHEMA } from '../../lambda/engine/parse/core-schema.js';

const EDGES = [
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'F',
  '0',
  '-0',
  '+12',
  '0o17',
  '0x1F',
  '0b101',
  '.5',
  '-.5e+3',
  '1.',
  '1e3',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'nan',
  'n',
  't',
  '-',
  '+',
  '.',
];
/** Characters a plain scalar's type turns on, and a few others. */
const scalar = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.string({ unit: fc.constantFrom(...'0123456789+-.eExXoOaAfFnNiIlLtTrRuUsS~_ '.split('')), maxLength: 6 }),
);

describe('the core schema', () => {
  it('gives a plain scalar the type and value the yaml library gives it', () => {
    fc.assert(
      fc.property(scalar, (s) => {
        const text = `k: ${s}`;
        let expected: unknown;
        try {
          expected = parse(text, { schema: 'core' });
        } catch {
          return; // not a plain scalar on its own
        }
        expect(jsYaml.load(text, { schema: CORE_SCHEMA }), JSON.stringify(s)).toEqual(expected);
      }),
      { numRuns: 3000, examples: EDGES.map((e) => [e]) },
    );
  });
});
