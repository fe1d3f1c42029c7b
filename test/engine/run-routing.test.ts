// FORMAT.md §7: base-URL routing, auth schemes, X-On-Behalf-Of, unsafe paths, missing tokens.
import { describe, expect, it } from 'vitest';
import { doc, run, TOKENS, useApi } from '../support/run-harness.js';

const api = useApi();

const get = (id: string, path: string, more = '') =>
  `  - id: ${id}\n    method: GET\n    path: "${path}"\n${more}    expect: { status: [200] }`;

describe('routing', () => {
  it('sends to the primary URL with a Bearer token by default', async () => {
    const out = await run(api, { docs: { 'a/one.md': doc({ test: get('s', '/platform/v1/clients') }) } });
    expect(out.docs['a/one.md']?.outcome).toBe('pass');
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/platform/v1/clients']);
    expect(api.received[0]?.headers.authorization).toBe(`Bearer ${TOKENS.staff}`);
  });

  it('sends every step of a useFallbackApi doc, and a useFallback step, to the fallback URL', async () => {
    const docs = {
      'a/doc-level.md': doc({
        front: 'endpoint: "POST /platform/v1/messages"\ndomain: a\nstatus: verified\nuseFallbackApi: true',
        test: get('s', '/one'),
      }),
      'a/step-level.md': doc({
        test: `${get('s1', '/two', '    useFallback: true\n')}\n${get('s2', '/three')}`,
      }),
    };
    await run(api, { docs, options: { concurrency: 1 } });
    expect(api.received.map((r) => r.path).sort()).toEqual(['/api2/one', '/api2/two', '/apigw/three']);
  });

  it("routes a step to the fallback URL when its METHOD path is another fallback doc's endpoint", async () => {
    const docs = {
      'a/fallback-doc.md': doc({
        front: 'endpoint: "GET /platform/v1/widgets"\ndomain: a\nstatus: skipped',
        test: get('s', '/platform/v1/widgets'),
      }).replace('status: skipped', 'status: skipped\nuseFallbackApi: true'),
      'a/user.md': doc({
        test: `${get('uses', '/platform/v1/widgets')}\n${get('other', '/platform/v1/gadgets')}`,
      }),
    };
    const out = await run(api, { docs });
    expect(out.docs['a/user.md']?.outcome).toBe('pass');
    expect(api.received.map((r) => r.path)).toEqual([
      '/api2/platform/v1/widgets',
      '/apigw/platform/v1/gadgets',
    ]);
  });

  it('sends /partners/ paths to the partners URL with Token token="..."', async () => {
    await run(api, { docs: { 'a/p.md': doc({ test: get('s', '/v1/partners/businesses') }) } });
    expect(api.received[0]?.path).toBe('/partners-api/v1/partners/businesses');
    expect(api.received[0]?.headers.authorization).toBe(`Token token="${TOKENS.staff}"`);
  });

  it('uses Admin <token> for admin and internal token types', async () => {
    const docs = {
      'a/admin.md': doc({ test: get('s', '/admin/x', '    token: admin\n') }),
      'a/internal.md': doc({ test: get('s', '/internal/x', '    token: internal\n') }),
    };
    await run(api, { docs, tokens: { ...TOKENS, internal: 'internal-tok-3456' } });
    const auth = Object.fromEntries(api.received.map((r) => [r.path, r.headers.authorization]));
    expect(auth).toEqual({
      '/apigw/admin/x': `Admin ${TOKENS.admin}`,
      '/apigw/internal/x': 'Admin internal-tok-3456',
    });
  });

  it('ends the doc as error "no <type> token configured" and sends nothing', async () => {
    const out = await run(api, {
      docs: { 'a/c.md': doc({ test: get('s', '/client/x', '    token: client\n') }) },
    });
    expect(out.docs['a/c.md']).toMatchObject({ outcome: 'error', reason: 'no client token configured' });
    expect(api.received).toHaveLength(0);
  });
});

describe('headers and query', () => {
  it('sends X-On-Behalf-Of with business_uid, else business_id', async () => {
    const d = {
      'a/d.md': doc({ test: get('s', '/dir', '    token: directory\n    x_on_behalf_of: true\n') }),
    };
    await run(api, { docs: d, params: { business_id: 'biz-1', business_uid: 'uid-9' } });
    await run(api, { docs: d, params: { business_id: 'biz-1' } });
    expect(api.received.map((r) => r.headers['x-on-behalf-of'])).toEqual(['uid-9', 'biz-1']);
    expect(api.received[0]?.headers.authorization).toBe(`Bearer ${TOKENS.directory}`);
  });

  it('merges params with an embedded ?query for every method, and sends templated headers', async () => {
    const test = [
      '  - id: post',
      '    method: POST',
      '    path: "/things?a=1&b=old"',
      '    params: { b: "{{business_id}}", c: 3 }',
      '    headers: { X-Custom: "staff-{{staff_id}}" }',
      '    body: { name: "x" }',
      '    expect: { status: [200] }',
    ].join('\n');
    await run(api, { docs: { 'a/q.md': doc({ test }) } });
    const r = api.received[0];
    expect(r?.method).toBe('POST');
    expect(r?.url).toBe('/apigw/things?a=1&b=biz-1&c=3');
    expect(r?.headers['x-custom']).toBe('staff-7');
    expect(JSON.parse(r?.body ?? '')).toEqual({ name: 'x' });
    expect(r?.headers['content-type']).toBe('application/json');
  });

  it('never sends a body with GET', async () => {
    const test =
      '  - id: g\n    method: GET\n    path: "/g"\n    body: { a: 1 }\n    expect: { status: [200] }';
    await run(api, { docs: { 'a/g.md': doc({ test }) } });
    expect(api.received[0]?.body).toBe('');
  });
});

describe('unsafe URLs', () => {
  it.each([
    ['a Host header', '    headers: { Host: "evil.example" }\n'],
    ['a framing header', '    headers: { Transfer-Encoding: chunked }\n'],
    ['a header value split by a variable', '    headers: { X-Test: "{{evil}}" }\n'],
    ['a header value HTTP cannot carry', '    headers: { X-Test: "a\\u2028b" }\n'],
  ])('makes %s invalid, sending nothing', async (_, more) => {
    const out = await run(api, {
      docs: { 'a/h.md': doc({ test: get('s', '/h', more) }) },
      params: { business_id: 'b', evil: 'a\r\nX-Injected: 1' },
    });
    expect(out.docs['a/h.md']?.outcome).toBe('invalid');
    expect(out.docs['a/h.md']?.reason).toMatch(/header "?(Host|Transfer-Encoding|X-Test)/i);
    expect(api.received).toHaveLength(0);
  });

  it('makes a doc invalid when a resolved path leaves the configured host, sending nothing there', async () => {
    api.handler = (r) =>
      r.path.endsWith('/lookup') ? { body: { next: '/evil.example.com/steal' } } : undefined;
    const pre = get('lookup', '/lookup', '    extract: { next_path: "$.next" }\n');
    // Statically the path looks safe; resolved, it becomes `//evil.example.com/steal`.
    const test = get('follow', '/{{next_path}}');
    const out = await run(api, { docs: { 'a/u.md': doc({ pre, test }) } });
    expect(out.docs['a/u.md']?.outcome).toBe('invalid');
    expect(out.docs['a/u.md']?.reason).toMatch(
      /^a\/u\.md:\d+: step "follow": unsafe path "\/\/evil\.example\.com\/steal"/,
    );
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/lookup']);
  });
});
