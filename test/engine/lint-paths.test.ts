import { describe, expect, it } from 'vitest';
import { unsafePath } from '../../lambda/engine/lint/requests.js';

const HOST = 'evil.example';

describe('unsafePath (FORMAT.md §7: paths are joined to the base URL, never replace it)', () => {
  it.each([
    [`https://${HOST}/ok`, 'is an absolute URL'],
    [`HTTP://${HOST}/ok`, 'is an absolute URL'],
    ['javascript:alert(1)', 'is an absolute URL'],
    ['file:///etc/passwd', 'is an absolute URL'],
    [`user:pass@${HOST}/ok`, 'is an absolute URL'],
    [`//${HOST}/ok`, 'starts with "//"'],
    [`///${HOST}/ok`, 'starts with "//"'],
    [`/\\${HOST}/ok`, 'contains a backslash'],
    ['/..\\..\\ok', 'contains a backslash'],
    [`@${HOST}/ok`, 'does not start with "/"'],
    [`\t//${HOST}/ok`, 'does not start with "/"'],
    ['platform/v1/clients', 'does not start with "/"'],
    ['/a b', 'whitespace or a control character'],
    ['/%2e%2e/%2e%2e/ok', '".." segment'],
    ['/%2E%2E/ok', '".." segment'],
    ['/..%2f..%2fok', '".." segment'],
    ['/%252e%252e/ok', '".." segment'],
    ['/ok/../../../etc', '".." segment'],
    ['/./ok', '".." segment'],
    [`/@${HOST}/ok`, 'contains "@"'],
  ])('rejects %j', (path, why) => {
    expect(unsafePath(path)).toContain(why);
  });

  it.each([
    '/platform/v1/clients',
    '/platform/v1/clients/{{client_id}}?per_page=1',
    '/ok?next=//evil/x',
    `/ok#@${HOST}`,
    '/files/a%2Fb',
    '/v1/clients?email=a@b.c',
    '/v1/a.b/c..d',
  ])('accepts %j', (path) => {
    expect(unsafePath(path)).toBeUndefined();
  });
});
