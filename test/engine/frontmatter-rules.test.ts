// The frontmatter's fast reading (readPlainly in lambda/engine/parse/frontmatter-rules.ts) may only
// ever say "valid" where the zod rules say valid too, and then it must give zod's own output: checked
// on random frontmatter maps whose keys hold values of their kind, of another kind, and edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_RULES, FRONTMATTER_KEYS, readPlainly } from '../../lambda/engine/parse/frontmatter-rules.js';

const odd = fc.constantFrom(
  null,
  '',
  0,
  -1,
  1.5,
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  2 ** 60,
  2 ** 53 + 2,
  true,
  [],
  [1, 'a', false],
  [200, 1.5],
  [null],
  ['a', Number.NaN],
  {},
  { a: 1 },
);
const field = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 20, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: odd });
const scalar = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean());
const frontmatter = fc.record(
  {
    endpoint: field(fc.constantFrom('GET /x', 'post /y')),
    domain: field(scalar),
    tags: field(fc.array(scalar, { maxLength: 3 })),
    swagger: field(fc.string()),
    status: field(fc.constantFrom('verified', 'pending', 'x', 1, true)),
    savedAt: field(fc.oneof(fc.constant('2026-02-01T10:00:00.000Z'), fc.integer())),
    verifiedAt: field(fc.constant('2026-02-01')),
    timesReused: field(fc.nat()),
    tokens: field(fc.array(fc.constantFrom('staff', 'admin'))),
    useFallbackApi: field(fc.boolean()),
    expectedOutcome: field(fc.oneof(fc.integer({ min: 100, max: 599 }), fc.array(fc.integer()))),
    expectedOutcomeReason: field(fc.string()),
    requiresTestData: field(fc.boolean()),
    testDataDescription: field(fc.string()),
    skipReason: field(fc.string()),
    notes: field(fc.string()),
    extra: scalar,
  },
  { requiredKeys: [], noNullPrototype: true },
);
/** One key set to an odd value, now and then, so each key's edges are met on a valid map. */
const mostlyValid = fc
  .tuple(frontmatter, fc.constantFrom(...FRONTMATTER_KEYS), odd, fc.boolean())
  .map(([data, key, value, spoil]) => (spoil ? { ...data, [key]: value } : data));

describe('the frontmatter fast reading', () => {
  it('says valid exactly where the zod rules do, with their output', () => {
    let plain = 0;
    fc.assert(
      fc.property(mostlyValid, (data) => {
        const read = readPlainly(data);
        const zod = ALL_RULES.safeParse(data);
        expect(read !== undefined, JSON.stringify(data)).toBe(zod.success);
        if (!read) return;
        plain++;
        expect(read).toEqual(zod.data);
      }),
      { numRuns: 3000 },
    );
    expect(plain).toBeGreaterThan(300);
  });
});
