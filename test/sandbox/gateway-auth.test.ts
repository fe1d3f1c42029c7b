import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import { call } from './call.js';

let s: Sandbox;
beforeAll(async () => {
  s = await createSandbox({ seed: 11 });
});
afterAll(async () => {
  await s.close();
});

const message = () => ({ message: { client_id: s.tokens.params.client_id, text: 'hello' } });

describe('gateways', () => {
  it('serves ordinary routes under both /apigw and /api2', async () => {
    const primary = await call(s, '/platform/v1/clients', { token: 'staff' });
    const fallback = await call(s, '/platform/v1/clients', { token: 'staff', via: 'fallback' });
    expect(primary.status).toBe(200);
    expect(fallback.status).toBe(200);
    expect(fallback.body).toEqual(primary.body);
  });

  it('answers fallback-only routes through /apigw with 422 Unauthorized, as the real gateway does', async () => {
    const viaPrimary = await call(s, '/platform/v1/messages', {
      method: 'POST',
      token: 'staff',
      json: message(),
    });
    expect(viaPrimary.status).toBe(422);
    expect(viaPrimary.body).toEqual({ status: 'Error', error: 'Unauthorized' });
    const conversations = await call(s, '/platform/v1/conversations', { token: 'staff' });
    expect(conversations.status).toBe(422);
    const viaFallback = await call(s, '/platform/v1/messages', {
      method: 'POST',
      token: 'staff',
      via: 'fallback',
      json: message(),
    });
    expect(viaFallback.status).toBe(201);
  });
});

describe('tokens, per the seed doc Authentication table', () => {
  const post = (o: { token?: string; auth?: string }) =>
    call(s, '/platform/v1/messages', { method: 'POST', via: 'fallback', json: message(), ...o });

  it('staff works', async () => {
    expect((await post({ token: 'staff' })).status).toBe(201);
  });
  it('app gives 400', async () => {
    const r = await post({ token: 'app' });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe('Error');
  });
  it('directory gives 401', async () => {
    expect((await post({ token: 'directory' })).status).toBe(401);
  });
  it('no token, an unknown token, or the wrong scheme gives 401 Unauthorized', async () => {
    for (const auth of [
      undefined,
      'Bearer sbx_staff_not_a_real_token',
      `Token token="${s.tokens.tokens.staff}"`,
    ]) {
      const r = await post(auth ? { auth } : {});
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ status: 'Error', error: 'Unauthorized' });
    }
  });
  it('the tokens file carries staff, client, directory, app and admin tokens and the documented params', () => {
    expect(Object.keys(s.tokens.tokens).sort()).toEqual(['admin', 'app', 'client', 'directory', 'staff']);
    for (const k of ['business_id', 'business_uid', 'staff_id', 'client_id', 'directory_id']) {
      expect(typeof s.tokens.params[k]).toBe('string');
    }
  });
});

describe('errors are JSON in the API shapes, never a stack trace', () => {
  it('unknown routes and unknown prefixes give 404 JSON', async () => {
    for (const url of [`${s.baseUrl}/platform/v1/nope`, `${s.url}/elsewhere`, `${s.url}/`]) {
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({ status: 'Error', error: 'Not Found' });
    }
  });
  it('a known path with the wrong method gives 405 JSON', async () => {
    const r = await call(s, '/platform/v1/clients', { method: 'PATCH', token: 'staff' });
    expect(r.status).toBe(405);
    expect(r.body).toEqual({ status: 'Error', error: 'Method Not Allowed' });
  });
  it('bad JSON gives 400 with the errors shape', async () => {
    const r = await call(s, '/platform/v1/messages', {
      method: 'POST',
      via: 'fallback',
      token: 'staff',
      rawBody: '{"message": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      success: false,
      errors: [{ code: 'invalid_json', message: 'The request body is not valid JSON' }],
    });
    expect(r.text).not.toMatch(/at .*\.ts:\d+/);
  });
  it('a malformed path segment gives 400 JSON, not a 500', async () => {
    const r = await call(s, '/platform/v1/clients/%E0%A4%A', { token: 'staff' });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe('Error');
  });
  it('a JSON body that is not an object gives 400', async () => {
    const r = await call(s, '/platform/v1/clients', { method: 'POST', token: 'staff', json: [1, 2] });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].code).toBe('invalid_body');
  });
});

describe('deterministic ids', () => {
  it('two sandboxes with the same seed hand out the same ids; tokens differ', async () => {
    const a = await createSandbox({ seed: 5 });
    const b = await createSandbox({ seed: 5 });
    const c = await createSandbox({ seed: 6 });
    try {
      expect(a.tokens.params).toEqual(b.tokens.params);
      expect(a.tokens.params.business_id).not.toEqual(c.tokens.params.business_id);
      expect(a.tokens.tokens.staff).not.toEqual(b.tokens.tokens.staff);
      const send = (x: Sandbox) =>
        call(x, '/platform/v1/messages', {
          method: 'POST',
          via: 'fallback',
          token: 'staff',
          json: { message: { client_id: x.tokens.params.client_id, text: 'same' } },
        });
      expect((await send(a)).body).toEqual((await send(b)).body);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
