import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const SEED = readFileSync(
  new URL('../../seeds/communication/post_platform_v1_messages.md', import.meta.url),
  'utf8',
);

/** A doc from frontmatter lines and markdown body lines. */
function doc(front: string[], body: string[]): string {
  return ['---', ...front, '---', ...body].join('\n');
}

const TEST_BLOCK = [
  '## Test Request',
  '',
  '```yaml',
  'steps:',
  '  - id: main',
  '    method: get',
  '    path: "/x"',
  '```',
];

describe('parseDoc on the seed doc', () => {
  const parsed = parseDoc('communication/post_platform_v1_messages.md', SEED);

  it('reads frontmatter, both step phases and their file lines', () => {
    expect(parsed.findings).toEqual([]);
    const d = parsed.doc;
    expect(d?.status).toBe('active');
    expect(d?.rawStatus).toBe('verified');
    expect(d?.useFallbackApi).toBe(true);
    expect(d?.tags).toEqual(['messages', 'messaging']);
    expect(d?.prerequisites.map((s) => [s.id, s.line, s.phase])).toEqual([
      ['get_client', 29, 'prerequisite'],
    ]);
    expect(d?.test.map((s) => [s.id, s.line, s.phase])).toEqual([['create_message', 46, 'test']]);
    expect(d?.prerequisites[0]?.extract).toEqual({ client_id: '$.data.clients[0].id' });
    expect(d?.test[0]?.expect).toEqual([201]);
    expect(d?.test[0]?.token).toBe('staff');
    expect(d?.test[0]?.onFail).toBe('abort');
  });

  it('keeps the Known Issues prose', () => {
    expect(parsed.doc?.knownIssues).toMatch(/^### Issue: 422 when business is spam-flagged/);
    expect(parsed.doc?.knownIssues).toContain('setup-business.js');
    expect(parsed.doc?.knownIssues).not.toContain('Critical Learnings');
  });
});

describe('sections', () => {
  it('runs only the first yaml block directly under the heading', () => {
    const text = doc(
      ['status: verified'],
      [
        '## Prerequisites',
        'None required for this endpoint.',
        '### How to obtain X',
        '```yaml',
        'steps:',
        '  - { id: not_me, method: GET, path: "/no" }',
        '```',
        '## Test Request',
        'Use this template:',
        '```yaml',
        'steps:',
        '  - id: first',
        '    method: post',
        '    path: "/yes"',
        '```',
        '```yaml',
        'steps:',
        '  - { id: second, method: GET, path: "/no" }',
        '```',
        '## Cleanup',
        '```yaml',
        'steps:',
        '  - { id: cleanup, method: DELETE, path: "/no" }',
        '```',
      ],
    );
    const parsed = parseDoc('d.md', text);
    expect(parsed.findings).toEqual([]);
    expect(parsed.doc?.prerequisites).toEqual([]);
    expect(parsed.doc?.test.map((s) => [s.id, s.method, s.line])).toEqual([['first', 'POST', 15]]);
  });

  it('reports a Test Request without a yaml block at the heading line', () => {
    const parsed = parseDoc(
      'd.md',
      doc(
        ['status: verified'],
        ['# T', '', '## Test Request', 'Use this template.', '', '## Notes', '```yaml', 'steps: []', '```'],
      ),
    );
    expect(parsed.findings.map((f) => [f.code, f.line, f.severity])).toEqual([
      ['missing-test-steps', 6, 'error'],
    ]);
  });

  it('reports a doc without a Test Request section', () => {
    const parsed = parseDoc('d.md', doc(['status: verified'], ['# T']));
    expect(parsed.findings.map((f) => f.code)).toEqual(['missing-test-request']);
  });
});

describe('frontmatter', () => {
  it.each([
    ['verified', 'active'],
    ['success', 'active'],
    ['pass', 'active'],
    ['pending', 'pending'],
    ['skip', 'skipped'],
    ['skipped', 'skipped'],
    ['failed', 'failed'],
    ['deprecated', 'retired'],
  ])('maps status %s to %s', (raw, status) => {
    const parsed = parseDoc('d.md', doc([`status: ${raw}`], TEST_BLOCK));
    expect(parsed.findings).toEqual([]);
    expect(parsed.doc?.status).toBe(status);
    expect(parsed.doc?.rawStatus).toBe(raw);
  });

  it('makes an unknown or missing status an error', () => {
    const unknown = parseDoc('d.md', doc(['domain: x', 'status: working'], TEST_BLOCK));
    expect(unknown.findings.map((f) => [f.code, f.line, f.severity])).toEqual([
      ['unknown-status', 3, 'error'],
    ]);
    const missing = parseDoc('d.md', doc(['domain: x'], TEST_BLOCK));
    expect(missing.findings.map((f) => f.code)).toEqual(['missing-status']);
  });

  it('keeps unquoted dates as the ISO strings they were written as (core schema)', () => {
    const parsed = parseDoc(
      'd.md',
      doc(
        [
          'status: pending',
          'savedAt: 2026-01-26T21:28:12.398Z',
          'verifiedAt: 2026-01-26',
          'expectedOutcome: 422',
        ],
        TEST_BLOCK,
      ),
    );
    expect(parsed.doc?.frontmatter.savedAt).toBe('2026-01-26T21:28:12.398Z');
    expect(parsed.doc?.frontmatter.verifiedAt).toBe('2026-01-26');
    expect(parsed.doc?.expectedOutcome).toEqual([422]);
  });

  it('warns on unknown keys and errors on a non-boolean useFallbackApi', () => {
    const parsed = parseDoc(
      'd.md',
      doc(['status: verified', 'owner: me', 'useFallbackApi: "yes"'], TEST_BLOCK),
    );
    expect(parsed.findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ['unknown-key', 'warning', 3],
      ['frontmatter-type', 'error', 4],
    ]);
  });
});

describe('steps', () => {
  const parseSteps = (stepLines: string[]) =>
    parseDoc(
      'd.md',
      doc(['status: verified'], ['## Test Request', '```yaml', 'steps:', ...stepLines, '```']),
    );

  it('reads every step option into the model', () => {
    const parsed = parseSteps([
      '  - id: upload',
      '    method: Post',
      '    path: "/files"',
      '    token: directory',
      '    x_on_behalf_of: true',
      '    useFallbackApi: true',
      '    content_type: multipart',
      '    form_fields: { "form_data[fields][title]": "x" }',
      '    file_fields: [ { field_name: f, file_path: sample.pdf, filename: doc.pdf } ]',
      '    headers: { X-Trace: 7 }',
      '    expect: { status: 201 }',
      '    sleep: 1500',
      '  - id: second',
      '    method: GET',
      '    path: "/files"',
      '    useFallback: true',
      '    onFail: warn',
      '    expect:',
      '      status: [200, 404]',
    ]);
    expect(parsed.findings).toEqual([]);
    const [a, b] = parsed.doc?.test ?? [];
    expect(a).toMatchObject({
      id: 'upload',
      line: 7,
      method: 'POST',
      token: 'directory',
      xOnBehalfOf: true,
      useFallback: true,
      contentType: 'multipart',
      formFields: { 'form_data[fields][title]': 'x' },
      fileFields: [{ fieldName: 'f', filePath: 'sample.pdf', filename: 'doc.pdf' }],
      headers: { 'X-Trace': '7' },
      expect: [201],
      sleepMs: 1500,
    });
    expect(b).toMatchObject({
      id: 'second',
      line: 19,
      useFallback: true,
      onFail: 'warn',
      expect: [200, 404],
      xOnBehalfOf: false,
    });
  });

  it('accepts a quoted status and an empty prerequisites list', () => {
    const parsed = parseDoc(
      'd.md',
      doc(
        ['status: verified'],
        [
          '## Prerequisites',
          '```yaml',
          'steps:',
          '```',
          ...TEST_BLOCK.slice(0, -1),
          '    expect: { status: "404" }',
          '```',
        ],
      ),
    );
    expect(parsed.findings).toEqual([]);
    expect(parsed.doc?.prerequisites).toEqual([]);
    expect(parsed.doc?.test[0]?.expect).toEqual([404]);
  });

  it('caps sleep and reports sleep-too-long at the sleep line', () => {
    const parsed = parseSteps(['  - id: wait', '    method: GET', '    path: "/x"', '    sleep: 600000']);
    expect(parsed.findings.map((f) => [f.code, f.line])).toEqual([['sleep-too-long', 10]]);
    expect(parsed.doc?.test[0]?.sleepMs).toBe(60_000);
  });

  it('reports schema errors with the field line and what was expected', () => {
    const parsed = parseSteps([
      '  - id: bad',
      '    method: FETCH',
      '    path: "/x"',
      '    expect: { status: "ok" }',
    ]);
    expect(parsed.findings.map((f) => [f.code, f.line, f.message])).toEqual([
      [
        'step-schema',
        8,
        'step "bad": method: found "FETCH"; expected one of GET, POST, PUT, PATCH, DELETE; fix "method"',
      ],
      [
        'step-schema',
        10,
        'step "bad": expect.status: found "ok"; expected expect: { status: 200 } or { status: [200, 201] } with HTTP statuses 100-599; fix "expect.status"',
      ],
    ]);
  });

  it('reports YAML syntax errors as findings with a file line', () => {
    const parsed = parseSteps(['  - id: a', '    method: GET', '     path: "/x"']);
    expect(parsed.findings[0]?.code).toBe('yaml-syntax');
    expect(parsed.findings[0]?.line).toBeGreaterThanOrEqual(7);
  });
});

describe('hostile input never throws', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    'i: [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  ];

  it('rejects a billion-laughs frontmatter', () => {
    const parsed = parseDoc('d.md', doc(bomb, TEST_BLOCK));
    expect(parsed.findings.map((f) => [f.code, f.severity])).toContainEqual(['yaml-bomb', 'error']);
  });

  it('rejects a billion-laughs steps block', () => {
    const parsed = parseDoc(
      'd.md',
      doc(['status: verified'], ['## Test Request', '```yaml', ...bomb, 'steps: []', '```']),
    );
    expect(parsed.findings.map((f) => [f.code, f.line])).toContainEqual(['yaml-bomb', 6]);
  });

  it('handles binary, huge, truncated and empty input', () => {
    expect(parseDoc('b.md', '\u0000\u0001PNG').findings[0]?.code).toBe('not-text');
    expect(parseDoc('big.md', 'x'.repeat(10 * 1024 * 1024)).findings[0]?.code).toBe('doc-too-large');
    expect(parseDoc('t.md', SEED.slice(0, 60)).findings[0]?.code).toBe('frontmatter-unclosed');
    expect(parseDoc('e.md', '').findings.map((f) => f.code)).toEqual([
      'missing-frontmatter',
      'missing-test-request',
    ]);
  });

  it('refuses step sections too large to be a step list, and reads deep nesting in one pass', () => {
    const setext = parseDoc('s.md', doc(['status: verified'], ['## Test Request', 'a\n-\n'.repeat(20_000)]));
    expect(setext.findings.map((f) => [f.code, f.line])).toEqual([['section-too-complex', 4]]);
    // Nesting was refused only because micromark was slow on it; the line scan reads it.
    const nested = parseDoc(
      'n.md',
      doc(['status: verified'], ['## Test Request', 'ok', '- - - - - - x', '```yaml', 'steps: []', '```']),
    );
    expect(nested.findings.map((f) => [f.code, f.line])).toEqual([['missing-test-steps', 8]]);
    const deep = parseDoc(
      'd.md',
      doc(
        ['status: verified'],
        ['## Test Request', `${'- '.repeat(5_000)}x`, `${'>'.repeat(5_000)} y`, ...TEST_BLOCK.slice(1)],
      ),
    );
    expect(deep.findings).toEqual([]);
    expect(deep.doc?.test.map((s) => [s.id, s.line])).toEqual([['main', 10]]);
    const elsewhere = parseDoc(
      'e.md',
      doc(['status: verified'], ['## Notes', 'a\n-\n'.repeat(20_000), ...TEST_BLOCK]),
    );
    expect(elsewhere.findings).toEqual([]);
    expect(elsewhere.doc?.test.map((s) => s.id)).toEqual(['main']);
  });

  it('refuses a frontmatter too large to be metadata', () => {
    const parsed = parseDoc('f.md', doc(['status: verified', `notes: "${'x'.repeat(70_000)}"`], TEST_BLOCK));
    expect(parsed.findings.map((f) => f.code)).toContain('frontmatter-too-large');
  });

  it('returns findings with valid lines for any arrangement of doc-like lines', () => {
    const piece = fc.constantFrom(
      '---',
      '## Test Request',
      '## Prerequisites',
      '## Known Issues',
      '### Sub',
      '```yaml',
      '```',
      '~~~yaml',
      'steps:',
      'steps: []',
      '  - id: a',
      '    method: GET',
      '    path: "/x/{{client_id}}"',
      '    extract: { v: "$.a[0]" }',
      '    expect: { status: [200] }',
      'status: verified',
      'a: &x [1, *x]',
      '- - - x',
      '> quote',
      '',
      'None required.',
      '\t- x',
      '{{',
      '"',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('\n');
        const parsed = parseDoc('g.md', text);
        const lineCount = text.split('\n').length;
        for (const f of parsed.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.line).toBeLessThanOrEqual(lineCount);
          expect(f.message.length).toBeGreaterThan(20);
        }
        for (const step of [...(parsed.doc?.prerequisites ?? []), ...(parsed.doc?.test ?? [])]) {
          expect(step.line).toBeLessThanOrEqual(lineCount);
        }
      }),
      { numRuns: 300, seed: 20_261_125 },
    );
  });

  it('returns findings, never throws, for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (noise) => {
        const parsed = parseDoc(
          'f.md',
          `---\nstatus: verified\n${noise}\n---\n## Test Request\n\`\`\`yaml\n${noise}\n\`\`\`\n`,
        );
        expect(parsed.id).toBe('f.md');
        for (const f of parsed.findings) expect(f.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200, seed: 20_261_125 },
    );
  });
});
