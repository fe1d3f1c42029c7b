// Spam flagging, blocking, verification, the admin routes and the remedy (a fresh business).
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import { admin, call } from './call.js';

const SPAM = { status: 'Error', data: {} };
let s: Sandbox;
afterEach(async () => {
  await s?.close();
});

const send = (x: Sandbox, tokens = x.tokens) =>
  call(x, '/platform/v1/messages', {
    method: 'POST',
    via: 'fallback',
    auth: `Bearer ${tokens.tokens.staff}`,
    json: { message: { client_id: tokens.params.client_id, text: 'ping' } },
  });

describe('spam flagging', () => {
  it('flags an unverified business that sends more than the threshold within the window', async () => {
    s = await createSandbox({ seed: 3, spamThreshold: 3, spamWindowMs: 60_000 });
    for (let i = 0; i < 4; i++) expect((await send(s)).status).toBe(201);
    expect(s.business()?.spam_flagged).toBe(true);
    const refused = await send(s);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual(SPAM);
  });

  it('only counts messages inside the window', async () => {
    let now = 1_000_000;
    s = await createSandbox({ seed: 3, spamThreshold: 2, spamWindowMs: 1000, now: () => now });
    for (let i = 0; i < 6; i++) {
      expect((await send(s)).status).toBe(201);
      now += 600; // at most two sends inside any 1000 ms window
    }
    expect(s.business()?.spam_flagged).toBe(false);
  });

  it('never flags a verified business, and a verified business sends despite a flag', async () => {
    s = await createSandbox({ seed: 3, spamThreshold: 1 });
    s.verifyBusiness();
    for (let i = 0; i < 4; i++) expect((await send(s)).status).toBe(201);
    expect(s.business()?.spam_flagged).toBe(false);
    s.flagBusiness();
    expect((await send(s)).status).toBe(201);
  });

  it('a blocked owner gets the spam shape even when verified', async () => {
    s = await createSandbox({ seed: 3 });
    s.verifyBusiness();
    s.blockBusiness();
    expect((await send(s)).body).toEqual(SPAM);
    s.unblockBusiness();
    expect((await send(s)).status).toBe(201);
  });

  it('validation still comes first for a flagged business; other routes are unaffected', async () => {
    s = await createSandbox({ seed: 3 });
    s.flagBusiness();
    const invalid = await call(s, '/platform/v1/messages', {
      method: 'POST',
      via: 'fallback',
      token: 'staff',
      json: {},
    });
    expect(invalid.body.success).toBe(false);
    expect((await call(s, '/platform/v1/clients', { token: 'staff' })).status).toBe(200);
  });

  it('the share-documents form answers 422 with only an auto_reply_message while flagged', async () => {
    s = await createSandbox({ seed: 3 });
    const portal = s.tokens.params.portal_uid as string;
    const submit = () =>
      call(s, `/client_api/v1/portals/${portal}/share_documents_form/submit`, {
        method: 'POST',
        token: 'client',
        json: { form_data: { message: 'here are my documents' } },
      });
    const healthy = await submit();
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe('OK');
    s.flagBusiness();
    const flagged = await submit();
    expect(flagged.status).toBe(422);
    expect(Object.keys(flagged.body).sort()).toEqual(['data', 'status']);
    expect(Object.keys(flagged.body.data)).toEqual(['auto_reply_message']);
    s.unflagBusiness();
    expect((await submit()).status).toBe(200);
  });
});

describe('admin routes', () => {
  const act = (action: string) =>
    call(s, `/admin/v1/businesses/${s.businessId}/${action}`, {
      method: 'POST',
      via: 'root',
      auth: admin(s),
    });

  it('flag, unflag, block, unblock and verify a business over HTTP', async () => {
    s = await createSandbox({ seed: 4 });
    expect((await act('flag')).body.data.business.spam_flagged).toBe(true);
    expect((await send(s)).body).toEqual(SPAM);
    expect((await act('unflag')).body.data.business.spam_flagged).toBe(false);
    expect((await send(s)).status).toBe(201);
    expect((await act('block')).body.data.business.owner_blocked).toBe(true);
    expect((await send(s)).body).toEqual(SPAM);
    await act('unblock');
    expect((await act('verify')).body.data.business.verified).toBe(true);
    await act('flag');
    expect((await send(s)).status).toBe(201);
    const shown = await call(s, `/admin/v1/businesses/${s.businessId}`, { via: 'root', auth: admin(s) });
    expect(shown.body.data.business).toMatchObject({
      verified: true,
      spam_flagged: true,
      owner_blocked: false,
    });
  });

  it('refuses staff tokens and Bearer admin tokens; unknown business is 404', async () => {
    s = await createSandbox({ seed: 4 });
    const path = `/admin/v1/businesses/${s.businessId}/flag`;
    expect(
      (await call(s, path, { method: 'POST', via: 'root', auth: `Admin ${s.tokens.tokens.staff}` })).status,
    ).toBe(401);
    expect(
      (await call(s, path, { method: 'POST', via: 'root', auth: `Bearer ${s.adminToken}` })).status,
    ).toBe(401);
    expect(s.business()?.spam_flagged).toBe(false);
    const missing = await call(s, '/admin/v1/businesses/nope/flag', {
      method: 'POST',
      via: 'root',
      auth: admin(s),
    });
    expect(missing.status).toBe(404);
  });

  it('the remedy: a fresh business with its own staff token and client sends while the old one is flagged', async () => {
    s = await createSandbox({ seed: 4 });
    s.flagBusiness();
    const created = await call(s, '/admin/v1/businesses', {
      method: 'POST',
      via: 'root',
      auth: admin(s),
      json: { name: 'Fresh Start' },
    });
    expect(created.status).toBe(201);
    const fresh = created.body.data;
    expect(fresh.business).toMatchObject({ name: 'Fresh Start', spam_flagged: false });
    expect(fresh.params.business_id).toBe(fresh.business.id);
    expect(fresh.tokens.staff).not.toBe(s.tokens.tokens.staff);
    expect(fresh.tokens.directory).toBe(s.tokens.tokens.directory);
    expect((await send(s, fresh)).status).toBe(201);
    expect((await send(s)).body).toEqual(SPAM);
  });

  it('the remedy by directory token: new business -> staff token (fallback only) -> client -> message', async () => {
    s = await createSandbox({ seed: 4 });
    s.flagBusiness();
    const made = await call(s, '/platform/v1/businesses', {
      method: 'POST',
      token: 'directory',
      json: { business: { name: 'Remedy Co' } },
    });
    expect(made.status).toBe(201);
    const uid = made.body.data.business.id;
    const onBehalf = { 'X-On-Behalf-Of': uid };
    const viaPrimary = await call(s, '/platform/v1/tokens', {
      method: 'POST',
      token: 'directory',
      headers: onBehalf,
    });
    expect(viaPrimary.body).toEqual({ status: 'Error', error: 'Unauthorized' });
    const minted = await call(s, '/platform/v1/tokens', {
      method: 'POST',
      via: 'fallback',
      token: 'directory',
      headers: onBehalf,
    });
    expect(minted.status).toBe(201);
    const staff = `Bearer ${minted.body.data.token.value}`;
    const client = await call(s, '/platform/v1/clients', {
      method: 'POST',
      auth: staff,
      json: { client: { first_name: 'New', email: 'new@example.com' } },
    });
    expect(client.status).toBe(201);
    const sent = await send(s, {
      tokens: { staff: minted.body.data.token.value },
      params: { client_id: client.body.data.client.id },
    });
    expect(sent.status).toBe(201);
    const noName = await call(s, '/platform/v1/businesses', { method: 'POST', token: 'directory', json: {} });
    expect(noName.status).toBe(422);
    expect(
      (await call(s, '/platform/v1/businesses', { method: 'POST', token: 'staff', json: {} })).status,
    ).toBe(401);
  });
});
