// Write-back edits only the verifiedAt/status lines, in every frontmatter style the corpus uses.
import { describe, expect, it } from 'vitest';
import { writeBack } from '../../lambda/engine/promises/write-back.js';

const AT = '2026-12-04T10:00:00.000Z';
const doc = (front: string[], eol = '\n') => ['---', ...front, '---', '', '# Title', ''].join(eol);

describe('write-back', () => {
  it('replaces a quoted verifiedAt and keeps the quotes and every other byte', () => {
    const before = doc([
      'endpoint: "GET /x"',
      'status: verified',
      'verifiedAt: "2026-02-09T07:20:00.000Z"',
      'tokens: [staff]',
    ]);
    const r = writeBack(before, { verifiedAt: AT });
    expect(r).toEqual({
      kind: 'changed',
      text: before.replace('"2026-02-09T07:20:00.000Z"', `"${AT}"`),
      changes: [`verifiedAt: ${AT}`],
    });
  });

  it('replaces an unquoted one unquoted, keeping a trailing comment', () => {
    const before = doc(['status: verified', 'verifiedAt: 2026-02-09T07:20:00.000Z  # last green']);
    const r = writeBack(before, { verifiedAt: AT });
    expect(r.kind === 'changed' && r.text).toBe(before.replace('2026-02-09T07:20:00.000Z', AT));
  });

  it('keeps CRLF line endings', () => {
    const before = doc(['status: pending', "verifiedAt: '2026-01-01T00:00:00.000Z'"], '\r\n');
    const r = writeBack(before, { verifiedAt: AT, promote: true });
    expect(r.kind).toBe('changed');
    if (r.kind !== 'changed') return;
    expect(r.text).toBe(doc(['status: verified', `verifiedAt: '${AT}'`], '\r\n'));
    expect(r.changes).toEqual([`verifiedAt: ${AT}`, 'status: pending → verified']);
  });

  it('adds verifiedAt after status when it is missing, quoted like the file quotes its times', () => {
    const before = doc(['endpoint: GET /x', 'status: verified', 'savedAt: "2026-02-09T07:20:00.000Z"']);
    const r = writeBack(before, { verifiedAt: AT });
    expect(r.kind === 'changed' && r.text).toBe(
      doc([
        'endpoint: GET /x',
        'status: verified',
        `verifiedAt: "${AT}"`,
        'savedAt: "2026-02-09T07:20:00.000Z"',
      ]),
    );
  });

  it('promotes only pending docs, and only when asked', () => {
    const pending = doc(['status: pending', `verifiedAt: ${AT}`]);
    expect(writeBack(pending, { verifiedAt: AT })).toEqual({ kind: 'unchanged' });
    const skip = doc(['status: skip', `verifiedAt: ${AT}`]);
    expect(writeBack(skip, { verifiedAt: AT, promote: true })).toEqual({ kind: 'unchanged' });
  });

  it('refuses flow-style frontmatter and files without one, rather than rewriting them', () => {
    expect(writeBack('---\n{ status: verified, verifiedAt: x }\n---\n', { verifiedAt: AT })).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('flow style'),
    });
    expect(writeBack('# no frontmatter\n', { verifiedAt: AT })).toMatchObject({ kind: 'refused' });
    expect(writeBack(doc(['verifiedAt: |', '  2026']), { verifiedAt: AT })).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('line 2'),
    });
  });
});
