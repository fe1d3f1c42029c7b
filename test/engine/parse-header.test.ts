// readDocHeader gives the same header fields as parseDoc, from the frontmatter alone; a run's first pass
// skips it only for docs that cannot declare useFallbackApi.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDocHeader } from '../../lambda/engine/parse/doc-header.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { mayDeclareFallback } from '../../lambda/engine/run/pass-one.js';
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

describe('mayDeclareFallback (the first pass reads the header only when it says so)', () => {
  const declares = (id: string, text: string) => readDocHeader(id, text)?.useFallbackApi === true;

  it('misses no corpus or seed doc that routes to the fallback API', () => {
    const seeds = readdirSync('seeds', { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.md'),
    );
    const all = [
      ...ids.map((id) => ({ id, text: readFileSync(new URL(id, ROOT), 'utf8') })),
      ...seeds.map((id) => ({ id, text: readFileSync(`seeds/${id}`, 'utf8') })),
    ];
    const fallbackDocs = all.filter((d) => declares(d.id, d.text));
    expect(fallbackDocs.length).toBeGreaterThan(hasShared() ? 5 : 2);
    for (const d of fallbackDocs) expect(mayDeclareFallback(d.text), d.id).toBe(true);
    // And it does rule docs out: most of the real corpus needs no YAML read in the first pass (the
    // seeds are too few to say: every one of them mentions fallback routing).
    if (hasShared()) {
      const corpus = all.slice(0, ids.length);
      expect(corpus.filter((d) => !mayDeclareFallback(d.text)).length).toBeGreaterThan(corpus.length / 2);
    }
  });

  it('misses no odd spelling of the key or its value', () => {
    const keys = fc.constantFrom(
      'useFallbackApi',
      '"useFallbackApi"',
      "'useFallbackApi'",
      '"useFallback\\x41pi"',
      '"\\u0075seFallbackApi"',
    );
    const values = fc.oneof(
      fc.constantFrom(
        'true',
        'True',
        'TRUE',
        '"true"',
        'yes',
        '1',
        'false',
        '~',
        '',
        '[true]',
        '{a: 1}',
        '!!bool true',
      ),
      fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    );
    fc.assert(
      fc.property(keys, values, fc.boolean(), (key, flag, broken) => {
        const lines = ['---', 'endpoint: GET /x', `${key}: ${flag}`, 'status: verified'];
        if (broken) lines.push('bad: [unclosed');
        const text = `${lines.join('\n')}\n---\n# T\n`;
        if (declares('d/x.md', text)) expect(mayDeclareFallback(text), text).toBe(true);
      }),
      { seed: 7, numRuns: 400 },
    );
    expect(declares('d/x.md', '---\nendpoint: GET /x\n"useFallback\\x41pi": true\n---\n')).toBe(true);
  });
});
