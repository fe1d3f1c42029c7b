// readDocHeader gives the same header fields as parseDoc, from the frontmatter alone; readDocRouting the
// same endpoint and useFallbackApi as readDocHeader.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDocHeader, readDocRouting } from '../../lambda/engine/parse/doc-header.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { hasShared, REPO_ROOT, SEEDS_DIR, SHARED_CORPUS } from '../support/shared.js';

const ROOT = pathToFileURL(`${SHARED_CORPUS}/`);
// The corpus only when ../shared is beside the clone; the seeds and lint fixtures always.
const ids = (hasShared() ? readdirSync(ROOT, { recursive: true, encoding: 'utf8' }) : [])
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
  it('matches parseDoc on every corpus doc, seed doc and lint fixture', () => {
    if (hasShared()) expect(ids.length).toBeGreaterThan(100);
    const own = [SEEDS_DIR, join(REPO_ROOT, 'test/fixtures/lint')].flatMap((root) =>
      readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((id) => ({ id, text: readFileSync(join(root, id), 'utf8') })),
    );
    expect(own.length).toBeGreaterThan(30);
    const all = [...ids.map((id) => ({ id, text: readFileSync(new URL(id, ROOT), 'utf8') })), ...own];
    for (const { id, text } of all) expect(readDocHeader(id, text), id).toEqual(headerOf(id, text));
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

describe('readDocRouting', () => {
  const routingOf = (id: string, text: string) => {
    const h = readDocHeader(id, text);
    return h ? { endpoint: h.endpoint, useFallbackApi: h.useFallbackApi } : undefined;
  };

  it('reads endpoint and useFallbackApi as readDocHeader does, on every corpus and seed doc', () => {
    const seeds = readdirSync('seeds', { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.md'),
    );
    const all = [
      ...ids.map((id) => ({ id, text: readFileSync(new URL(id, ROOT), 'utf8') })),
      ...seeds.map((id) => ({ id, text: readFileSync(`seeds/${id}`, 'utf8') })),
    ];
    expect(all.filter((d) => readDocRouting(d.id, d.text)?.useFallbackApi).length).toBeGreaterThan(
      hasShared() ? 5 : 2,
    );
    for (const d of all) expect(readDocRouting(d.id, d.text), d.id).toEqual(routingOf(d.id, d.text));
  });

  it('on odd values and broken frontmatter', () => {
    const values = fc.oneof(
      fc.constantFrom('true', 'True', 'TRUE', '"true"', 'yes', '1', 'false', '~', '', '[true]', '{a: 1}'),
      fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    );
    const endpoints = fc.constantFrom(
      'GET /x',
      '"POST /a/b"',
      '  PUT /y  ',
      '42',
      '[GET /x]',
      '',
      '~',
      'x: y',
    );
    fc.assert(
      fc.property(values, endpoints, fc.boolean(), fc.boolean(), (flag, endpoint, dup, broken) => {
        const lines = ['---', `endpoint: ${endpoint}`, `useFallbackApi: ${flag}`, 'status: verified'];
        if (dup) lines.push('useFallbackApi: true');
        if (broken) lines.push('bad: [unclosed');
        const text = `${lines.join('\n')}\n---\n# T\n`;
        expect(readDocRouting('d/x.md', text)).toEqual(routingOf('d/x.md', text));
      }),
      { seed: 7, numRuns: 400 },
    );
    for (const text of [
      '---\nstatus: verified\n',
      'a\u0000b',
      'no frontmatter',
      `---\nx: "${'y'.repeat(70_000)}"\n---\n`,
    ]) {
      expect(readDocRouting('d/x.md', text)).toEqual(routingOf('d/x.md', text));
    }
  });
});
