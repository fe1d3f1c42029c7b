// The request URL: mergeParams edits the query once (one URLSearchParams written back) and must give
// exactly what editing `url.searchParams` param by param gives; joinUrl answers the same on every call.
import { describe, expect, it } from 'vitest';
import { mergeParams } from '../../lambda/engine/run/build-request.js';
import { joinUrl } from '../../lambda/engine/run/routing.js';

/** The straightforward way: every edit through url.searchParams. */
function mergeParamsReference(url: URL, params: Readonly<Record<string, unknown>>): void {
  const scalar = (v: unknown): string =>
    typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    url.searchParams.delete(k);
    if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, scalar(x));
    else url.searchParams.append(k, scalar(v));
  }
}

const paths = [
  '/platform/v1/clients',
  '/platform/v1/clients?per_page=1',
  '/x?a=1&a=2&b=%20c',
  '/x?',
  '/x?q=a+b&empty=&flag',
  "/x?quote='&hash=%23&pct=%25",
  '/x#frag',
];
const paramSets: Record<string, unknown>[] = [
  {},
  { business_id: '1001' },
  { per_page: 25, page: 1 },
  { a: ['x', 'y', 3], b: null, c: undefined },
  { q: 'two words & more', 'we ird': "it's #1 / 100%", unicode: 'café ✓' },
  { nested: { a: 1, b: [true] }, flag: false, zero: 0, empty: '' },
  { b: 'replaced', a: [] },
];

describe('mergeParams', () => {
  it('gives the same URL as editing url.searchParams one param at a time', () => {
    for (const path of paths) {
      for (const params of paramSets) {
        const mine = new URL(`https://api.example.com/apigw${path}`);
        const reference = new URL(mine.href);
        mergeParams(mine, params);
        mergeParamsReference(reference, params);
        expect(mine.href, `${path} + ${JSON.stringify(params)}`).toBe(reference.href);
      }
    }
  });

  it('leaves the URL as it was when no param has a value', () => {
    const url = new URL('https://api.example.com/x?');
    mergeParams(url, { a: null, b: undefined });
    expect(url.href).toBe('https://api.example.com/x?');
  });
});

describe('joinUrl with a base parsed once', () => {
  it('answers the same on every call, for several bases in turn', () => {
    const bases = [
      'https://api.example.com/apigw/',
      'https://api2.example.com',
      'http://127.0.0.1:8080/api2',
      'not a url',
    ];
    const paths = ['/v1/x?y=1', '/../../etc/passwd', '//evil.example.com/x'];
    const answer = (base: string, path: string) => {
      const r = joinUrl(base, path);
      return 'url' in r ? r.url.href : r.error;
    };
    const first = bases.map((b) => paths.map((p) => answer(b, p)));
    expect(first[0]).toEqual([
      'https://api.example.com/apigw/v1/x?y=1',
      'unsafe path "/../../etc/passwd": it resolves to /etc/passwd, outside the base path /apigw',
      'unsafe path "//evil.example.com/x": expected a path starting with a single "/" (never a URL or //host)',
    ]);
    expect(first[1]?.[1]).toBe('https://api2.example.com/etc/passwd');
    expect(first[3]?.[0]).toBe('base URL "not a url" is not a valid URL');
    for (let round = 0; round < 3; round++)
      expect(bases.map((b) => paths.map((p) => answer(b, p)))).toEqual(first);
  });
});
