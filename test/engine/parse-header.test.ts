// readDocHeader gives the same header fields as parseDoc, from the frontmatter alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDocHeader } from '../../lambda/engine/parse/doc-header.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const ROOT = new URL('../../../shared/corpus/', import.meta.url);
const ids = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.split('\\').join('/'))
  .sort();

const HEADER_KEYS = [
  'id',
  'endpoint',
  'domain',
  'tags',
  'status',
  'rawStatus',
  'useFallbackApi',
  'skipReason',
  'expectedOutcome',
] as const;

function headerOf(id: string, text: string): Record<string, unknown> | undefined {
  const doc = parseDoc(id, text).doc;
  return doc ? Object.fromEntries(HEADER_KEYS.map((k) => [k, doc[k]])) : undefined;
}

describe('readDocHeader', () => {
  it('matches parseDoc on every corpus doc', () => {
    expect(ids.length).toBeGreaterThan(100);
    for (const id of ids) {
      const text = readFileSync(new URL(id, ROOT), 'utf8');
      expect(readDocHeader(id, text), id).toEqual(headerOf(id, text));
    }
  });

  it('reads CRLF and BOM frontmatter, defaults domain and status like parseDoc', () => {
    const text = '\uFEFF---\r\nendpoint: GET /x\r\ntags: [a, 1]\r\nuseFallbackApi: true\r\n---\r\n# T\r\n';
    const header = readDocHeader('billing/x.md', text);
    expect(header).toEqual(headerOf('billing/x.md', text));
    expect(header).toMatchObject({
      endpoint: 'GET /x',
      domain: 'billing',
      tags: ['a', '1'],
      status: 'active',
      useFallbackApi: true,
    });
    expect(readDocHeader('x.md', '---\nstatus: skip\ndomain: d\n---\n')).toMatchObject({
      status: 'skipped',
      rawStatus: 'skip',
      domain: 'd',
    });
  });

  it('gives undefined where parseDoc gives no doc', () => {
    for (const text of ['---\nstatus: verified\n', 'a\u0000b', 'x'.repeat(1024 * 1024 + 1)]) {
      expect(parseDoc('d/x.md', text).doc).toBeUndefined();
      expect(readDocHeader('d/x.md', text)).toBeUndefined();
    }
    expect(readDocHeader('d/x.md', 42 as unknown as string)).toBeUndefined();
  });
});
