import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintDoc } from '../../lambda/engine/lint/lint.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const SEED = readFileSync(
  new URL('../../seeds/communication/post_platform_v1_messages.md', import.meta.url),
  'utf8',
);
const ctx = (...params: string[]) => ({ paramNames: new Set(params), fallbackEndpoints: new Set<string>() });

const doc = (steps: string[]) =>
  parseDoc(
    'd.md',
    ['---', 'status: verified', '---', '## Test Request', '```yaml', 'steps:', ...steps, '```'].join('\n'),
  );

describe('variable resolution order (config params, run-time values, earlier extracts)', () => {
  it('lets a test step use what a prerequisite extracted, and only the target params otherwise', () => {
    const findings = lintDoc(parseDoc('seed.md', SEED), ctx('business_id'));
    expect(findings.map((f) => [f.code, f.line, f.message])).toEqual([
      [
        'unresolved-variable',
        53,
        'step "create_message": unknown variable {{staff_id}} in body.message.staff_id: no config param, run-time value or earlier extract defines it; define it in the tokens file params or extract it in an earlier step',
      ],
    ]);
    expect(lintDoc(parseDoc('seed.md', SEED), ctx('staff_id'))).toEqual([]);
  });

  it('does not let a step use its own extract in its request', () => {
    const parsed = doc([
      '  - id: a',
      '    method: GET',
      '    path: "/x/{{uid}}"',
      '    extract: { uid: "$.uid" }',
    ]);
    expect(lintDoc(parsed, ctx()).map((f) => f.message)).toEqual([
      'step "a": unknown variable {{uid}} in path: no config param, run-time value or earlier extract defines it; this step extracts uid only after its own request; extract it in an earlier step',
    ]);
  });

  it('knows every run-time value and generator, with spaces inside the braces', () => {
    const parsed = doc([
      '  - id: a',
      '    method: POST',
      '    path: "/x/{{ today_date }}"',
      '    body: { e: "{{random_email}}", n: "{{now_timestamp}}", y: "{{current_year}}-{{current_month}}", f: "{{future_datetime_48h}}" }',
    ]);
    expect(lintDoc(parsed, ctx())).toEqual([]);
  });

  it('reports each unknown use on its own line, in params, headers and form fields too', () => {
    const parsed = doc([
      '  - id: a',
      '    method: POST',
      '    path: "/x"',
      '    content_type: multipart',
      '    params: { q: "{{nope}}" }',
      '    headers: { X-On-Behalf-Of: "{{nope}}" }',
      '    form_fields: { "f[title]": "{{nope}}" }',
    ]);
    expect(lintDoc(parsed, ctx()).map((f) => [f.line, f.message.split(':')[1]])).toEqual([
      [11, ' unknown variable {{nope}} in params.q'],
      [12, ' unknown variable {{nope}} in headers.X-On-Behalf-Of'],
      [13, ' unknown variable {{nope}} in form_fields.f[title]'],
    ]);
  });
});
