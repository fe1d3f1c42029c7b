// POST /platform/v1/messages as ../shared/seeds/post_platform_v1_messages.md documents it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import { call } from './call.js';

let s: Sandbox;
beforeEach(async () => {
  s = await createSandbox({ seed: 21 });
});
afterEach(async () => {
  await s.close();
});

const post = (message: Record<string, unknown>) =>
  call(s, '/platform/v1/messages', { method: 'POST', via: 'fallback', token: 'staff', json: { message } });
const messagesOf = async (conversationUid: string) =>
  (await call(s, `/platform/v1/conversations/${conversationUid}/messages`, { token: 'staff' })).body.data;
const clientId = () => s.tokens.params.client_id as string;

describe('POST /platform/v1/messages', () => {
  it('creates a message: 201 with id, uid and conversation_uid only', async () => {
    const r = await post({ client_id: clientId(), text: 'Hello' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['status', 'data']);
    expect(r.body.status).toBe('OK');
    expect(Object.keys(r.body.data).sort()).toEqual(['conversation_uid', 'id', 'uid']);
    expect(typeof r.body.data.id).toBe('number');
    expect(r.body.data.uid).toMatch(/^[0-9a-z]{16}$/);
  });

  it('requires client_id and text: 422 in the validation shape naming both', async () => {
    const r = await post({ direction: 'business_to_client' });
    expect(r.status).toBe(422);
    expect(r.body.success).toBe(false);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'message.client_id',
      'message.text',
    ]);
    const noWrapper = await call(s, '/platform/v1/messages', {
      method: 'POST',
      via: 'fallback',
      token: 'staff',
      json: {},
    });
    expect(noWrapper.status).toBe(422);
  });

  it('rejects an unknown client, staff, channel or direction with 422', async () => {
    expect((await post({ client_id: 'nosuchclient0000', text: 'x' })).body).toEqual({
      status: 'Error',
      error: 'Client not found',
    });
    expect((await post({ client_id: clientId(), text: 'x', staff_id: 'nosuchstaff00000' })).status).toBe(422);
    const channel = await post({ client_id: clientId(), text: 'x', channels: 'fax' });
    expect(channel.status).toBe(422);
    expect(channel.body.errors[0].field).toBe('message.channels');
    expect((await post({ client_id: clientId(), text: 'x', direction: 'sideways' })).status).toBe(422);
  });

  it('finds the client conversation instead of creating a second one', async () => {
    const a = await post({ client_id: clientId(), text: 'one' });
    const b = await post({ client_id: clientId(), text: 'two' });
    expect(b.body.data.conversation_uid).toBe(a.body.data.conversation_uid);
    const list = await call(s, `/platform/v1/conversations?client_id=${clientId()}`, {
      token: 'staff',
      via: 'fallback',
    });
    expect(list.body.data.conversations).toHaveLength(1);
    expect(
      (await messagesOf(a.body.data.conversation_uid)).messages.map((m: { text: string }) => m.text),
    ).toEqual(['one', 'two']);
  });

  it('defaults channels to sms,email and direction to business_to_client; keeps given channels', async () => {
    const a = await post({ client_id: clientId(), text: 'default' });
    await post({ client_id: clientId(), text: 'email only', channels: 'email' });
    const { messages } = await messagesOf(a.body.data.conversation_uid);
    expect(messages[0].channels).toEqual(['sms', 'email']);
    expect(messages[0].direction).toBe('business_to_client');
    expect(messages[1].channels).toEqual(['email']);
  });

  it('auto-assigns the staff when staff_id is omitted, and honours a given staff_id', async () => {
    const staffs = (await call(s, '/platform/v1/staffs', { token: 'staff' })).body.data.staffs;
    const member = staffs.find((x: { role: string }) => x.role === 'member');
    const a = await post({ client_id: clientId(), text: 'auto' });
    const { messages } = await messagesOf(a.body.data.conversation_uid);
    expect(messages[0].staff_id).toBe(s.tokens.params.staff_id);
    await post({ client_id: clientId(), text: 'by member', staff_id: member.id });
    await post({ client_id: clientId(), text: 'follows the conversation' });
    const after = (await messagesOf(a.body.data.conversation_uid)).messages;
    expect(after[1].staff_id).toBe(member.id);
    expect(after[2].staff_id).toBe(member.id);
  });

  it('conversation_title updates the title of the existing conversation', async () => {
    const a = await post({ client_id: clientId(), text: 'x' });
    await post({ client_id: clientId(), text: 'y', conversation_title: 'Renamed by API' });
    expect((await messagesOf(a.body.data.conversation_uid)).conversation.title).toBe('Renamed by API');
  });

  it('conversation_uid targets that conversation; one of another client is refused', async () => {
    const a = await post({ client_id: clientId(), text: 'x' });
    const b = await post({
      client_id: clientId(),
      text: 'y',
      conversation_uid: a.body.data.conversation_uid,
    });
    expect(b.body.data.conversation_uid).toBe(a.body.data.conversation_uid);
    const other = (await call(s, '/platform/v1/clients', { token: 'staff' })).body.data.clients[1].id;
    const refused = await post({
      client_id: other,
      text: 'z',
      conversation_uid: a.body.data.conversation_uid,
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ status: 'Error', error: 'Conversation not found' });
  });

  it('a client_id of another business is not found', async () => {
    const fresh = s.createBusiness('Elsewhere');
    const r = await post({ client_id: fresh.credentials.params.client_id, text: 'x' });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe('Client not found');
  });
});
