// The Authentication table parser, pinned by paired fixtures (test/fixtures/auth/<case>.md +
// <case>.expected.json): every row's mapping, documented verdict, stated status and line.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSections } from '../../lambda/engine/parse/sections.js';
import { parseAuthTable, tokensDisagree } from '../../lambda/engine/promises/auth-table.js';

const DIR = new URL('../fixtures/auth/', import.meta.url);
const cases = readdirSync(DIR).filter((f) => f.endsWith('.md'));

function parse(text: string) {
  const section = readSections(text.split('\n')).authentication;
  if (!section) return { findings: [] };
  return parseAuthTable('doc.md', section);
}

describe('Authentication table fixtures', () => {
  it.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(new URL(name.replace(/\.md$/, '.expected.json'), DIR), 'utf8'));
    const r = parse(readFileSync(new URL(name, DIR), 'utf8'));
    expect(r.findings.map((f) => `${f.line}: ${f.severity}: ${f.code}`)).toEqual(expected.findings);
    if (expected.rows) {
      expect(r.table?.line).toBe(expected.line);
      expect(r.table?.rows.map(({ notes: _n, ...row }) => row)).toEqual(expected.rows);
    } else expect(r.table).toBeUndefined();
  });
});

describe('tokens: against the table', () => {
  const { table } = parse(
    [
      '## Authentication',
      '',
      '| Token Type | Works | Notes |',
      '|---|---|---|',
      '| Staff | Yes | |',
      '| App | No | Returns 401 |',
    ].join('\n'),
  );

  it('agrees when tokens lists exactly the Yes rows', () => {
    expect(table && tokensDisagree('d.md', table, ['staff'], 10)).toEqual([]);
  });

  it('names the missing and the refused-but-listed types, at the tokens line', () => {
    const [f] = table ? tokensDisagree('d.md', table, ['app'], 10) : [];
    expect(f).toMatchObject({ line: 10, severity: 'warning', code: 'auth-tokens-disagree' });
    expect(f?.message).toContain('the table accepts staff but tokens: does not list it');
    expect(f?.message).toContain('tokens: lists app but the table says No');
  });
});
