// The step schema's fast path (lambda/engine/parse/step-fast.ts) may only ever say "valid" where zod
// says valid too, and then it must give zod's own output: checked on random step-like maps whose keys
// hold values of the right kind, of the wrong kind and on the edges (quoted statuses, odd spacing and
// case, non-finite numbers, empty strings). parseDoc still normalises the authors' spellings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { readValidStep } from '../../lambda/engine/parse/step-fast.js';
import { StepSchema } from '../../lambda/engine/parse/step-schema.js';
import { doc } from '../support/run-harness.js';

/** Values no step key takes as they are, and edges (non-finite numbers, empty maps and strings). */
const odd = fc.constantFrom(
  null,
  undefined,
  '',
  '  ',
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 60,
  true,
  [],
  {},
  { __proto__: null },
);
/** Mostly a value of the key's kind; now and then an odd one or one of `bad`. */
const field = <T>(arb: fc.Arbitrary<T>, ...bad: unknown[]) =>
  fc.oneof(
    { weight: 80, arbitrary: arb as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: odd },
    ...(bad.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...bad) }] : []),
  );
const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean());
/** One of `words`, maybe padded, maybe upper- or lower-cased. */
const spaced = (...words: string[]) =>
  fc
    .tuple(fc.constantFrom(...words), fc.constantFrom('', ' ', '\t'), fc.boolean(), fc.boolean())
    .map(([w, pad, up, low]) => pad + (up ? w.toUpperCase() : low ? w.toLowerCase() : w) + pad);
const status = field(
  fc.oneof(
    fc.integer({ min: 100, max: 599 }),
    fc.integer({ min: 100, max: 599 }).map((n) => ` ${n} `),
  ),
  99,
  600,
  '2OO',
  '200.0',
  '0200',
  200.5,
  '\uff12\uff10\uff10',
);
const map = (value: fc.Arbitrary<unknown>) =>
  fc.dictionary(fc.constantFrom('a', 'b', 'X-Id', '__proto__', 'constructor'), value, {
    maxKeys: 3,
    noNullPrototype: true,
  });

const step = fc.record(
  {
    id: field(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.integer()), ' ', '\t'),
    description: field(fc.string()),
    method: field(spaced('get', 'Post', 'PUT', 'patch', 'DELETE'), 'HEAD', 'options', 'GETS'),
    path: field(fc.constantFrom('/x', '/y/{{id}}')),
    token: field(fc.constantFrom('staff', ' admin ')),
    params: field(map(field(scalar))),
    body: fc.oneof(fc.jsonValue({ maxDepth: 2 }), odd),
    headers: field(map(field(scalar))),
    x_on_behalf_of: field(fc.boolean()),
    useFallback: field(fc.boolean()),
    useFallbackApi: field(fc.boolean()),
    content_type: field(
      spaced('json', 'application/json', 'multipart', 'multipart/form-data'),
      'xml',
      'text/json',
    ),
    form_fields: field(map(scalar)),
    file_fields: field(
      fc.array(
        fc.record(
          {
            field_name: field(fc.constant('file')),
            file_path: field(fc.constant('a.png')),
            filename: field(fc.string({ maxLength: 3 })),
            content_type: field(fc.constant('image/png')),
            extra: fc.string(),
          },
          { requiredKeys: ['field_name', 'file_path'], noNullPrototype: true },
        ),
        { maxLength: 2 },
      ),
    ),
    extract: field(map(field(fc.constant('$.data.id')))),
    expect: field(
      fc.record(
        { status: field(fc.oneof(status, fc.array(status, { maxLength: 3 }))), other: scalar },
        {
          requiredKeys: [],
          noNullPrototype: true,
        },
      ),
    ),
    onFail: field(spaced('abort', 'skip', 'continue', 'warn'), 'retry', 'ignore'),
    skipReason: field(fc.string()),
    sleep: field(fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.double({ min: 0, max: 1e6, noNaN: true }))),
    unknownKey: scalar,
  },
  { requiredKeys: ['id', 'method', 'path'], noNullPrototype: true },
);

/** Values one key of a valid step is set to: each is wrong for some key, or on an edge. */
const bad = fc.oneof(
  odd,
  fc.constantFrom(
    'HEAD',
    ' GETS ',
    'xml',
    'retry',
    -0.5,
    600,
    99,
    '2OO',
    '0200',
    ' 200.0 ',
    { status: 600 },
    { status: 99 },
    { status: [99, 200] },
    { status: ' 600 ' },
    { status: [200, '20O'] },
    { status: 200.5 },
    { status: {} },
    { a: Number.POSITIVE_INFINITY },
    { a: Number.NaN },
    { a: [1] },
    { a: { b: 1 } },
    { a: null },
    [{ field_name: '', file_path: 'x' }],
    [{ field_name: 'f', file_path: 'x', filename: 1 }],
    [{ field_name: 'f' }],
    [null],
  ),
);
/** A step that is valid but for (now and then) one key. */
const mostlyValid = fc
  .tuple(step, fc.constantFrom(...Object.keys(StepSchema.shape)), bad, fc.boolean())
  .map(([raw, key, value, spoil]) => (spoil ? { ...raw, [key]: value } : raw));

/** Maps with a `__proto__` key or no prototype (js-yaml makes neither): the fast path leaves them to zod. */
function leftToZod(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Object.hasOwn(v, '__proto__') || (!Array.isArray(v) && Object.getPrototypeOf(v) === null)) return true;
  return Object.values(v).some(leftToZod);
}

describe('the step fast path', () => {
  it('says valid only where zod does, with zod output', () => {
    let fast = 0;
    fc.assert(
      fc.property(mostlyValid, (raw) => {
        const read = readValidStep(raw);
        const zod = StepSchema.safeParse(raw);
        if (read === undefined) return;
        fast++;
        expect(zod.success, JSON.stringify(raw)).toBe(true);
        expect(read).toEqual(zod.data);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it('reads the valid steps zod reads, so a real doc seldom needs zod', () => {
    let valid = 0;
    fc.assert(
      fc.property(step, (raw) => {
        const zod = StepSchema.safeParse(raw);
        const plain = !leftToZod(raw);
        if (!zod.success || !plain) return;
        valid++;
        expect(readValidStep(raw), JSON.stringify(raw)).toEqual(zod.data);
      }),
      { numRuns: 1000 },
    );
    expect(valid).toBeGreaterThan(50);
  });

  it('keeps the authors spellings normalised: methods, statuses, onFail, content_type', () => {
    const parsed = parseDoc(
      'd.md',
      doc({
        test: [
          '  - id: 7',
          '    method: " get "',
          '    path: /x',
          '    token: " admin "',
          '    headers: { X-N: 1, X-B: true }',
          '    content_type: " Multipart/Form-Data "',
          '    expect: { status: [" 200 ", 201] }',
          '    onFail: " Abort "',
          '  - id: " two "',
          '    method: Post',
          '    path: /y',
          '    content_type: application/json',
          '    expect: { status: "204" }',
          '    onFail: WARN',
        ].join('\n'),
      }),
    );
    expect(parsed.findings).toEqual([]);
    const [one, two] = parsed.doc?.test ?? [];
    expect(one).toMatchObject({
      id: '7',
      method: 'GET',
      token: 'admin',
      headers: { 'X-N': '1', 'X-B': 'true' },
      contentType: 'multipart',
      expect: [200, 201],
      onFail: 'abort',
    });
    expect(two).toMatchObject({
      id: 'two',
      method: 'POST',
      contentType: 'json',
      expect: [204],
      onFail: 'warn',
    });
  });
});
