// Clients, notes (with DELETE), multipart documents, directory tokens with X-On-Behalf-Of,
// the partners API and the client portal API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import { call } from './call.js';

let s: Sandbox;
beforeAll(async () => {
  s = await createSandbox({ seed: 31 });
});
afterAll(async () => {
  await s.close();
});
const clientId = () => s.tokens.params.client_id as string;
const businessId = () => s.tokens.params.business_id as string;

describe('clients', () => {
  it('lists with per_page and search, and gets one', async () => {
    const one = await call(s, '/platform/v1/clients?per_page=1', { token: 'staff' });
    expect(one.body.data.clients).toHaveLength(1);
    expect(one.body.data.total).toBe(2);
    const grace = await call(s, '/platform/v1/clients?search=grace', { token: 'staff' });
    expect(grace.body.data.clients.map((c: { first_name: string }) => c.first_name)).toEqual(['Grace']);
    const got = await call(s, `/platform/v1/clients/${clientId()}`, { token: 'staff' });
    expect(got.body.data.client.first_name).toBe('Ada');
    expect((await call(s, '/platform/v1/clients/nosuchclient', { token: 'staff' })).status).toBe(404);
  });

  it('creates (201), validates (422 errors shape), refuses a duplicate email and updates', async () => {
    const made = await call(s, '/platform/v1/clients', {
      method: 'POST',
      token: 'staff',
      json: { client: { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' } },
    });
    expect(made.status).toBe(201);
    const invalid = await call(s, '/platform/v1/clients', {
      method: 'POST',
      token: 'staff',
      json: { client: { last_name: 'Nameless', email: 'not-an-email' } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'client.first_name',
      'client.email',
    ]);
    const dup = await call(s, '/platform/v1/clients', {
      method: 'POST',
      token: 'staff',
      json: { client: { first_name: 'Alan', email: 'alan@example.com' } },
    });
    expect(dup.body).toEqual({ status: 'Error', error: 'Email has already been taken' });
    const put = await call(s, `/platform/v1/clients/${made.body.data.client.id}`, {
      method: 'PUT',
      token: 'staff',
      json: { client: { phone: '+15551234567' } },
    });
    expect(put.body.data.client).toMatchObject({ first_name: 'Alan', phone: '+15551234567' });
  });

  it('app tokens have no business context (400); client tokens are refused (401)', async () => {
    expect((await call(s, '/platform/v1/clients', { token: 'app' })).status).toBe(400);
    expect((await call(s, '/platform/v1/clients', { token: 'client' })).status).toBe(401);
  });
});

describe('notes and DELETE', () => {
  it('creates, lists, gets and deletes a note', async () => {
    const base = `/platform/v1/clients/${clientId()}/notes`;
    const made = await call(s, base, {
      method: 'POST',
      token: 'staff',
      json: { note: { content: 'called back' } },
    });
    expect(made.status).toBe(201);
    const uid = made.body.data.note.uid;
    expect(
      (await call(s, base, { token: 'staff' })).body.data.notes.map((n: { uid: string }) => n.uid),
    ).toContain(uid);
    expect((await call(s, `${base}/${uid}`, { token: 'staff' })).body.data.note.content).toBe('called back');
    const del = await call(s, `${base}/${uid}`, { method: 'DELETE', token: 'staff' });
    expect(del.body).toEqual({ status: 'OK', data: { deleted: true, uid } });
    expect((await call(s, `${base}/${uid}`, { token: 'staff' })).status).toBe(404);
    expect((await call(s, base, { method: 'POST', token: 'staff', json: { note: {} } })).status).toBe(422);
  });
});

describe('multipart documents', () => {
  const path = () => `/platform/v1/clients/${clientId()}/documents`;

  it('stores an uploaded file with its name, type, size and title', async () => {
    const form = new FormData();
    form.set('document[title]', 'Intake form');
    form.set(
      'file',
      new Blob([new Uint8Array([37, 80, 68, 70, 45, 49])], { type: 'application/pdf' }),
      'intake.pdf',
    );
    const r = await call(s, path(), { method: 'POST', token: 'staff', rawBody: form });
    expect(r.status).toBe(201);
    expect(r.body.data.document).toMatchObject({
      title: 'Intake form',
      filename: 'intake.pdf',
      content_type: 'application/pdf',
      size: 6,
    });
  });

  it('requires the file (422) and a multipart body (415)', async () => {
    const form = new FormData();
    form.set('document[title]', 'no file');
    expect(
      (await call(s, path(), { method: 'POST', token: 'staff', rawBody: form })).body.errors[0].field,
    ).toBe('file');
    expect((await call(s, path(), { method: 'POST', token: 'staff', json: { title: 'x' } })).status).toBe(
      415,
    );
    const broken = await call(s, path(), {
      method: 'POST',
      token: 'staff',
      rawBody: 'garbage',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].code).toBe('invalid_multipart');
  });
});

describe('directory tokens', () => {
  it('work with X-On-Behalf-Of (business uid), and are refused without it', async () => {
    const path = `/platform/v1/businesses/${businessId()}`;
    const ok = await call(s, path, { token: 'directory', headers: { 'X-On-Behalf-Of': businessId() } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.business.id).toBe(businessId());
    const without = await call(s, path, { token: 'directory' });
    expect(without.status).toBe(401);
    const clients = await call(s, '/platform/v1/clients', {
      token: 'directory',
      headers: { 'X-On-Behalf-Of': businessId() },
    });
    expect(clients.body.data.clients[0].id).toBe(clientId());
  });

  it('cannot act for an unknown business; a staff token sees only its own business', async () => {
    const other = s.createBusiness('Other').businessId;
    const path = `/platform/v1/businesses/${other}`;
    expect((await call(s, path, { token: 'directory', headers: { 'X-On-Behalf-Of': 'nope' } })).status).toBe(
      403,
    );
    expect((await call(s, path, { token: 'staff' })).status).toBe(403);
    expect((await call(s, path, { token: 'app' })).status).toBe(401);
  });
});

describe('partners API', () => {
  const partner = () => `Token token="${s.tokens.tokens.directory}"`;
  const account = () => `/v1/partners/accounts/${businessId()}`;

  it('answers with the Token token="..." scheme, and closes and reopens an account', async () => {
    const got = await call(s, account(), { via: 'root', auth: partner() });
    expect(got.body.data.account).toMatchObject({ business_uid: businessId(), state: 'active' });
    await call(s, `${account()}/close`, { method: 'POST', via: 'root', auth: partner() });
    expect((await call(s, account(), { via: 'root', auth: partner() })).body.data.account.state).toBe(
      'closed',
    );
    const reopened = await call(s, `${account()}/reopen`, { method: 'POST', via: 'root', auth: partner() });
    expect(reopened.body.data.account.state).toBe('active');
  });

  it('refuses Bearer and staff tokens (401), and unknown accounts (404)', async () => {
    expect(
      (await call(s, account(), { via: 'root', auth: `Bearer ${s.tokens.tokens.directory}` })).status,
    ).toBe(401);
    expect(
      (await call(s, account(), { via: 'root', auth: `Token token="${s.tokens.tokens.staff}"` })).status,
    ).toBe(401);
    expect((await call(s, '/v1/partners/accounts/nope', { via: 'root', auth: partner() })).status).toBe(404);
  });
});

describe('client portal API', () => {
  it('lists the client business portals; other token types are refused', async () => {
    const r = await call(s, '/client_api/v1/portals', { token: 'client' });
    expect(r.body.data.portals.map((p: { uid: string }) => p.uid)).toEqual([s.tokens.params.portal_uid]);
    expect((await call(s, '/client_api/v1/portals', { token: 'staff' })).status).toBe(401);
  });

  it('validates the share-documents form (422 errors shape) and 404s an unknown portal', async () => {
    const path = `/client_api/v1/portals/${s.tokens.params.portal_uid}/share_documents_form/submit`;
    const r = await call(s, path, { method: 'POST', token: 'client', json: { form_data: {} } });
    expect(r.status).toBe(422);
    expect(r.body.success).toBe(false);
    const missing = await call(s, '/client_api/v1/portals/nope/share_documents_form/submit', {
      method: 'POST',
      token: 'client',
      json: { form_data: { message: 'x' } },
    });
    expect(missing.status).toBe(404);
  });
});
