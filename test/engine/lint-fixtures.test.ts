// Hurl-style golden tests: each test/fixtures/lint/<case>.md is linted and compared line by line with
// <case>.expected (`path:line: severity: message`), pinning the exact wording of every finding.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintDocs } from '../../lambda/engine/lint/lint.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const DIR = new URL('../fixtures/lint/', import.meta.url);
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.md'))
  .sort();

const WARNINGS_ONLY = new Set(['ok.md', 'warnings.md', 'ignored-fields.md']);

const render = (id: string): string[] =>
  lintDocs([parseDoc(id, readFileSync(new URL(id, DIR), 'utf8'))]).map(
    (f) => `${f.doc}:${f.line}: ${f.severity}: ${f.message}`,
  );

describe('lint fixtures', () => {
  it('pairs every fixture with its .expected file, and every .expected file with its fixture', () => {
    const expectedFiles = readdirSync(DIR).filter((f) => f.endsWith('.expected'));
    expect(expectedFiles.map((f) => f.replace(/\.expected$/, '.md')).sort()).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const expected = readFileSync(new URL(name.replace(/\.md$/, '.expected'), DIR), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    expect(render(name)).toEqual(expected);
  });

  it('every broken fixture yields an error with a stable code, the valid one none', () => {
    for (const name of cases) {
      const findings = lintDocs([parseDoc(name, readFileSync(new URL(name, DIR), 'utf8'))]);
      const errors = findings.filter((f) => f.severity === 'error');
      if (WARNINGS_ONLY.has(name)) expect(errors).toEqual([]);
      else expect(errors.length, name).toBeGreaterThan(0);
      for (const f of findings) expect(f.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
});

describe('cross-doc fallback check', () => {
  const read = (name: string) => parseDoc(name, readFileSync(new URL(`fallback/${name}`, DIR), 'utf8'));

  it('warns on a step that only goes to the fallback URL because another doc says so', () => {
    const findings = lintDocs([read('post_taxes.md'), read('put_tax.md')]);
    expect(findings.map((f) => `${f.doc}:${f.line}: ${f.severity}: [${f.code}] ${f.message}`)).toEqual([
      'put_tax.md:14: warning: [implicit-fallback] step "create_tax": POST /business/payments/v1/taxes goes to the fallback URL only because another doc with that endpoint has useFallbackApi: true; expected the routing to be explicit; add "useFallback: true" to this step',
    ]);
  });

  it('says nothing when the fallback doc is not in the same run', () => {
    expect(lintDocs([read('put_tax.md')])).toEqual([]);
  });
});
