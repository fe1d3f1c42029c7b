// FORMAT.md §7: paths are joined to the base URL and must stay under it (tokens go only there).
import { describe, expect, it } from 'vitest';
import { joinUrl } from '../../lambda/engine/run/routing.js';

describe('joinUrl', () => {
  const base = 'https://api.example.com/apigw';
  it('joins paths to the base URL, keeping its path prefix and the query', () => {
    const r = joinUrl(base, '/platform/v1/clients?per_page=1');
    expect('url' in r && r.url.toString()).toBe(
      'https://api.example.com/apigw/platform/v1/clients?per_page=1',
    );
  });
  it.each([
    'https://evil.example.com/x',
    '//evil.example.com/x',
    'relative/x',
    '/\\evil.example.com',
    'javascript:alert(1)',
  ])('refuses %s', (path) => {
    expect(joinUrl(base, path)).toEqual({ error: expect.stringMatching(/^unsafe path/) });
  });
});
