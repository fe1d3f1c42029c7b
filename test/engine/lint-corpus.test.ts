// Every real doc in ../shared/corpus parses and lints without a throw; known warts get the right finding.
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintDoc, lintDocs } from '../../lambda/engine/lint/lint.js';
import type { ParsedDoc } from '../../lambda/engine/model.js';
import { DOCUMENTED_PARAMS } from '../../lambda/engine/names.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { hasShared, SHARED_CORPUS } from '../support/shared.js';

const ROOT = pathToFileURL(`${SHARED_CORPUS}/`);
// Skipped when ../shared is absent: test/fixtures/lint pins each wart's finding on the project's own files.
const ids = (hasShared() ? readdirSync(ROOT, { recursive: true, encoding: 'utf8' }) : [])
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.split('\\').join('/'))
  .sort();
const parsed: ParsedDoc[] = ids.map((id) => parseDoc(id, readFileSync(new URL(id, ROOT), 'utf8')));
const findings = lintDocs(parsed);
const byDoc = (id: string) => findings.filter((f) => f.doc === id);

describe.skipIf(!hasShared())('the real corpus', () => {
  it('parses all 119 docs into a doc with steps', () => {
    expect(ids).toHaveLength(119);
    for (const p of parsed) {
      expect(p.doc, p.id).toBeDefined();
      for (const step of [...(p.doc?.prerequisites ?? []), ...(p.doc?.test ?? [])]) {
        expect(step.line, `${p.id} ${step.id}`).toBeGreaterThan(5);
      }
    }
  });

  it('flags {{resolved.uid}} as unsupported on the line that uses it', () => {
    expect(
      byDoc('clients/get_business_clients_v1_matters_uid.md').map((f) => [f.code, f.line, f.severity]),
    ).toEqual([['unsupported-expression', 28, 'error']]);
    expect(
      byDoc('clients/post_business_clients_v1_contacts_client_uid_matters.md').map((f) => [f.code, f.line]),
    ).toEqual([
      ['unsupported-expression', 28],
      ['unsupported-expression', 30],
    ]);
  });

  it('flags a Test Request without a steps block', () => {
    expect(byDoc('platform_administration/get_v3_license_business_carts_uid.md').map((f) => f.code)).toEqual([
      'missing-test-steps',
    ]);
  });

  it('keeps unquoted dates as strings', () => {
    const doc = parsed.find((p) => p.id === 'clients/get_business_clients_v1_matters_uid.md')?.doc;
    expect(doc?.frontmatter.savedAt).toBe('2026-02-06T14:32:43.368Z');
    for (const p of parsed) {
      for (const v of Object.values(p.doc?.frontmatter ?? {})) expect(v).not.toBeInstanceOf(Date);
    }
  });

  it('runs only the blocks under the two headings of the booking cancel doc (it has six yaml blocks)', () => {
    const doc = parsed.find((p) => p.id === 'scheduling/post_platform_v1_scheduling_bookings_cancel.md')?.doc;
    expect(doc?.prerequisites.map((s) => [s.id, s.line])).toEqual([['get_booking_id', 71]]);
    expect(doc?.test.map((s) => [s.id, s.line])).toEqual([['cancel_booking', 92]]);
    expect(doc?.knownIssues).toBeDefined();
  });

  it('turns the unresolved names into errors that a tokens file param fixes', () => {
    const unresolved = findings.filter((f) => f.code === 'unresolved-variable');
    expect(unresolved.length).toBeGreaterThan(0);
    const names = new Set(unresolved.map((f) => /\{\{(\w+)\}\}/.exec(f.message)?.[1] ?? ''));
    const ctx = {
      paramNames: new Set([...DOCUMENTED_PARAMS, ...names]),
      fallbackEndpoints: new Set<string>(),
    };
    for (const p of parsed) {
      expect(lintDoc(p, ctx).filter((f) => f.code === 'unresolved-variable')).toEqual([]);
    }
  });

  it('never errors on the bulk of verified docs', () => {
    const invalid = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.doc));
    expect(invalid.size).toBeLessThan(15);
  });

  it('finds the same errors when asked for errors only (what the runner asks)', () => {
    const ctx = { paramNames: new Set(DOCUMENTED_PARAMS), fallbackEndpoints: new Set<string>() };
    let errors = 0;
    for (const p of parsed) {
      const all = lintDoc(p, ctx).filter((f) => f.severity === 'error');
      const only = lintDoc(p, { ...ctx, errorsOnly: true }).filter((f) => f.severity === 'error');
      expect(only, p.id).toEqual(all);
      errors += all.length;
    }
    expect(errors).toBeGreaterThan(5);
  });
});
