// The contract check's fast path (lambda/engine/promises/fast-check.ts) may only ever say "valid"
// where Ajv says valid too: checked on random JSON bodies against schemas of the keywords it takes,
// in both dialects (draft-04 for Swagger 2.0/OpenAPI 3.0, 2020-12 for 3.1). Schemas with other
// keywords are left to Ajv.
import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastValidator } from '../../lambda/engine/promises/fast-check.js';

const SCHEMAS: Record<string, unknown>[] = [
  {
    type: 'object',
    required: ['status', 'data'],
    properties: {
      status: { type: 'string', enum: ['OK'] },
      data: { $ref: '#/components/schemas/Client' },
    },
  },
  { type: 'array', items: { type: 'integer' } },
  { type: 'object', additionalProperties: { type: ['string', 'null'] } },
  { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false },
  { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'number' }] },
  { anyOf: [{ type: 'boolean' }, { type: 'array', items: { $ref: '#/components/schemas/Client' } }] },
  { allOf: [{ type: 'object', required: ['a'] }, { properties: { a: { enum: [1, 'x', null, { k: 1 }] } } }] },
  { type: 'object', properties: { e: { type: 'string', nullable: true, format: 'int64' } } },
  {},
];
const COMPONENTS = {
  schemas: {
    Client: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
    },
  },
};
const options = { strict: false, allErrors: true, validateSchema: false, logger: false } as const;

function specWith(schema: unknown) {
  return { paths: { '/x': { get: { responses: { '200': { schema } } } } }, components: COMPONENTS };
}
const POINTER = '#/paths/~1x/get/responses/200/schema';

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    status: fc.constantFrom('OK', 'Error'),
    data: fc.oneof(fc.record({ id: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue({ maxDepth: 2 })),
  }),
  fc.array(fc.oneof(fc.integer(), fc.double(), fc.record({ id: fc.string() }))),
  fc.dictionary(fc.constantFrom('a', 'e', 'id'), fc.oneof(fc.string(), fc.constant(null), fc.integer())),
);

describe('the contract fast path', () => {
  for (const version of ['3.0', '3.1'] as const) {
    it(`never says valid where Ajv says invalid (${version})`, () => {
      for (const schema of SCHEMAS) {
        const api = specWith(schema);
        const ajv = version === '3.1' ? new Ajv2020(options) : new AjvDraft04.default(options);
        for (const f of ['int32', 'int64']) ajv.addFormat(f, true);
        ajv.addSchema(api, 'spec');
        const ajvValid = ajv.compile({ $ref: `spec${POINTER}` });
        const fast = fastValidator(api, version, POINTER);
        if (version === '3.0') expect(fast, JSON.stringify(schema)).toBeDefined();
        if (!fast) continue;
        fc.assert(
          fc.property(body, (value) => !fast(value) || ajvValid(value) === true),
          { numRuns: 300 },
        );
      }
    });
  }

  it('leaves to Ajv the schemas with other keywords or dialect nuances', () => {
    const left = [
      { type: 'string', format: 'date-time' },
      { type: 'integer', minimum: 1 },
      { type: 'object', patternProperties: { '^x': {} } },
      { $ref: '#/components/schemas/Client', description: 'sibling' },
      { type: 'array', items: [{ type: 'string' }] },
      { nullable: true },
    ];
    for (const schema of left) expect(fastValidator(specWith(schema), '3.0', POINTER)).toBeUndefined();
    // 3.1 is JSON Schema 2020-12: `nullable` means nothing there.
    expect(fastValidator(specWith({ type: 'string', nullable: true }), '3.1', POINTER)).toBeUndefined();
  });
});
