// JSON views of the store's records, as the API renders them.
import type { Business, Client, Conversation, Message, Note, Staff, StoredDocument } from './store.js';

export const clientView = (c: Client) => ({
  id: c.id,
  first_name: c.first_name,
  last_name: c.last_name,
  email: c.email,
  phone: c.phone,
  created_at: c.created_at,
});

export const staffView = (s: Staff) => ({
  id: s.id,
  uid: s.id,
  first_name: s.first_name,
  last_name: s.last_name,
  email: s.email,
  role: s.role,
  active: s.active,
});

export const businessView = (b: Business) => ({
  id: b.id,
  uid: b.id,
  name: b.name,
  directory_id: b.directoryId,
  verified: b.verified,
  created_at: b.createdAt,
});

/** What the admin routes show: the flags the platform keeps on a business. */
export const businessAdminView = (b: Business) => ({
  ...businessView(b),
  spam_flagged: b.spamFlagged,
  owner_blocked: b.ownerBlocked,
  state: b.state,
});

export const conversationView = (c: Conversation) => ({
  uid: c.uid,
  title: c.title,
  client_id: c.clientId,
  created_at: c.created_at,
});

export const messageView = (m: Message) => ({
  id: m.id,
  uid: m.uid,
  conversation_uid: m.conversationUid,
  staff_id: m.staffId,
  text: m.text,
  direction: m.direction,
  channels: m.channels,
  created_at: m.created_at,
});

export const noteView = (n: Note) => ({
  uid: n.uid,
  client_id: n.clientId,
  content: n.content,
  created_at: n.created_at,
});

export const documentView = (d: StoredDocument) => ({
  uid: d.uid,
  client_id: d.clientId,
  title: d.title,
  filename: d.filename,
  content_type: d.content_type,
  size: d.size,
  created_at: d.created_at,
});
