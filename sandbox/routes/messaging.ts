// Messages and conversations, as ../shared/seeds/post_platform_v1_messages.md documents them.
import { ApiError, errorShape, isRecord, jsonObject, ok, stringField, validationShape } from '../http.js';
import type { Context, Route } from '../router.js';
import { allowedToSend, recordSend } from '../spam.js';
import type { Business, Conversation, Message } from '../store.js';
import { conversationView, messageView } from '../views.js';
import { findClient } from './clients.js';

const DIRECTIONS = new Set(['business_to_client', 'client_to_business']);
const CHANNELS = new Set(['sms', 'email']);
const DEFAULT_CHANNELS = ['sms', 'email'];

/** What the platform answers when `business_allowed_to_send?` is false: 422, empty data, nothing else. */
export const spamRefusal = () => new ApiError(422, { status: 'Error', data: {} });

function businessOf(ctx: Context): Business {
  const business = ctx.store.businesses.get(ctx.businessId);
  if (!business) throw errorShape(401, 'Unauthorized');
  return business;
}

function parseChannels(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_CHANNELS;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!list) return undefined;
  const channels = list.map((c) => String(c).trim().toLowerCase()).filter((c) => c !== '');
  return channels.length > 0 && channels.every((c) => CHANNELS.has(c)) ? [...new Set(channels)] : undefined;
}

function createMessage(ctx: Context) {
  const body = jsonObject(ctx.body);
  const m = isRecord(body.message) ? body.message : {};
  const clientId = stringField(m, 'client_id');
  const text = stringField(m, 'text');
  const direction = stringField(m, 'direction') ?? 'business_to_client';
  const channels = parseChannels(m.channels);
  const errors: { field: string; message: string; code?: string }[] = [];
  if (!clientId)
    errors.push({ field: 'message.client_id', message: 'client_id is required', code: 'missing_parameter' });
  if (!text) errors.push({ field: 'message.text', message: 'text is required', code: 'missing_parameter' });
  if (!DIRECTIONS.has(direction))
    errors.push({
      field: 'message.direction',
      message: 'direction must be business_to_client or client_to_business',
    });
  if (!channels)
    errors.push({
      field: 'message.channels',
      message: 'channels must be a comma-separated list of sms, email',
    });
  if (errors.length > 0) throw validationShape(errors);

  const business = businessOf(ctx);
  if (!allowedToSend(business)) throw spamRefusal();

  const client = (() => {
    try {
      return findClient(ctx, clientId);
    } catch {
      throw errorShape(422, 'Client not found');
    }
  })();
  const conversation = findOrCreateConversation(ctx, client.id, stringField(m, 'conversation_uid'));
  const title = stringField(m, 'conversation_title');
  if (title) conversation.title = title;

  const staffId = stringField(m, 'staff_id') ?? autoAssignStaff(ctx, conversation);
  const staff = ctx.store.staff.get(staffId);
  if (!staff || staff.businessId !== business.id) throw errorShape(422, 'Staff not found');

  const message: Message = {
    id: ctx.store.ids.serial(),
    uid: ctx.store.ids.uid(),
    conversationUid: conversation.uid,
    staffId,
    text: text ?? '',
    direction,
    channels: channels ?? DEFAULT_CHANNELS,
    created_at: ctx.store.isoNow(),
  };
  ctx.store.messages.push(message);
  recordSend(ctx.store, ctx.spam, business);
  return ok({ id: message.id, uid: message.uid, conversation_uid: conversation.uid }, 201);
}

function findOrCreateConversation(ctx: Context, clientId: string, uid: string | undefined): Conversation {
  if (uid) {
    const found = ctx.store.conversations.get(uid);
    if (!found || found.clientId !== clientId) throw errorShape(422, 'Conversation not found');
    return found;
  }
  const existing = [...ctx.store.conversations.values()].find((c) => c.clientId === clientId);
  if (existing) return existing;
  const client = ctx.store.clients.get(clientId);
  const created: Conversation = {
    uid: ctx.store.ids.uid(),
    businessId: ctx.businessId,
    clientId,
    title: `Conversation with ${client?.first_name ?? ''} ${client?.last_name ?? ''}`.trim(),
    created_at: ctx.store.isoNow(),
  };
  ctx.store.conversations.set(created.uid, created);
  return created;
}

/** The staff of the conversation's last message, else the caller, else the business owner. */
function autoAssignStaff(ctx: Context, conversation: Conversation): string {
  const last = ctx.store.messages.findLast((msg) => msg.conversationUid === conversation.uid);
  if (last) return last.staffId;
  if (ctx.principal.staffId) return ctx.principal.staffId;
  const owner = [...ctx.store.staff.values()].find(
    (s) => s.businessId === ctx.businessId && s.role === 'owner',
  );
  return owner?.id ?? '';
}

function findConversation(ctx: Context): Conversation {
  const c = ctx.store.conversations.get(ctx.params.conversation_uid ?? '');
  if (!c || c.businessId !== ctx.businessId) throw errorShape(404, 'Conversation not found');
  return c;
}

export const messagingRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/platform/v1/messages',
    fallbackOnly: true,
    auth: { staff: 'ok', app: { status: 400, error: 'No staff/business context for this token' } },
    handle: createMessage,
  },
  {
    method: 'GET',
    pattern: '/platform/v1/conversations',
    fallbackOnly: true,
    auth: { staff: 'ok' },
    handle: (ctx) => {
      const clientId = ctx.query.get('client_id');
      const conversations = [...ctx.store.conversations.values()]
        .filter((c) => c.businessId === ctx.businessId && (!clientId || c.clientId === clientId))
        .map(conversationView);
      return ok({ conversations });
    },
  },
  {
    method: 'GET',
    pattern: '/platform/v1/conversations/{conversation_uid}/messages',
    auth: { staff: 'ok', directory: 'on-behalf', app: { status: 500, error: 'Internal Server Error' } },
    handle: (ctx) => {
      const conversation = findConversation(ctx);
      const messages = ctx.store.messages
        .filter((m) => m.conversationUid === conversation.uid)
        .map(messageView);
      return ok({ conversation: conversationView(conversation), messages });
    },
  },
];
