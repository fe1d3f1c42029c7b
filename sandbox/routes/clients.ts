// Clients, their notes and their documents (multipart upload), under /platform/v1/clients.
import { ApiError, errorShape, isRecord, jsonObject, ok, stringField, validationShape } from '../http.js';
import type { AuthRule, Context, Route } from '../router.js';
import type { Client, Note, StoredDocument } from '../store.js';
import { clientView, documentView, noteView } from '../views.js';

/** Staff works; directory works with X-On-Behalf-Of; app has no business context. */
const BUSINESS_AUTH: Route['auth'] = {
  staff: 'ok',
  directory: 'on-behalf',
  app: { status: 400, error: 'No staff/business context for this token' } satisfies AuthRule,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function findClient(ctx: Context, id: string | undefined): Client {
  const client = id ? ctx.store.clients.get(id) : undefined;
  if (!client || client.businessId !== ctx.businessId) throw errorShape(404, 'Client not found');
  return client;
}

function clientFields(body: Record<string, unknown>, partial: boolean) {
  const raw = body.client;
  if (!isRecord(raw))
    throw validationShape([{ field: 'client', message: 'client is required', code: 'missing_parameter' }]);
  const fields = {
    first_name: stringField(raw, 'first_name'),
    last_name: stringField(raw, 'last_name'),
    email: stringField(raw, 'email'),
    phone: stringField(raw, 'phone'),
  };
  const errors: { field: string; message: string; code?: string }[] = [];
  if (!partial && !fields.first_name)
    errors.push({ field: 'client.first_name', message: 'first_name is required', code: 'missing_parameter' });
  if (!partial && !fields.email)
    errors.push({ field: 'client.email', message: 'email is required', code: 'missing_parameter' });
  if (fields.email && !EMAIL.test(fields.email))
    errors.push({ field: 'client.email', message: 'email is not a valid address' });
  if (errors.length > 0) throw validationShape(errors);
  return fields;
}

function listClients(ctx: Context) {
  const perPage = Math.min(Math.max(Number(ctx.query.get('per_page') ?? '25') || 25, 1), 100);
  const page = Math.max(Number(ctx.query.get('page') ?? '1') || 1, 1);
  const search = ctx.query.get('search')?.toLowerCase();
  const all = [...ctx.store.clients.values()].filter(
    (c) =>
      c.businessId === ctx.businessId &&
      (!search || `${c.first_name} ${c.last_name} ${c.email}`.toLowerCase().includes(search)),
  );
  const clients = all.slice((page - 1) * perPage, page * perPage).map(clientView);
  return ok({ clients, total: all.length, page, per_page: perPage });
}

function createClient(ctx: Context) {
  const f = clientFields(jsonObject(ctx.body), false);
  const taken = [...ctx.store.clients.values()].some(
    (c) => c.businessId === ctx.businessId && c.email === f.email,
  );
  if (taken) throw errorShape(422, 'Email has already been taken');
  const client = ctx.store.createClient(ctx.businessId, {
    first_name: f.first_name ?? '',
    last_name: f.last_name ?? '',
    email: f.email ?? '',
    phone: f.phone ?? '',
  });
  return ok({ client: clientView(client) }, 201);
}

function updateClient(ctx: Context) {
  const client = findClient(ctx, ctx.params.client_id);
  const f = clientFields(jsonObject(ctx.body), true);
  if (f.first_name) client.first_name = f.first_name;
  if (f.last_name) client.last_name = f.last_name;
  if (f.email) client.email = f.email;
  if (f.phone) client.phone = f.phone;
  return ok({ client: clientView(client) });
}

function createNote(ctx: Context) {
  const client = findClient(ctx, ctx.params.client_id);
  const raw = jsonObject(ctx.body).note;
  const content = isRecord(raw) ? stringField(raw, 'content') : undefined;
  if (!content)
    throw validationShape([
      { field: 'note.content', message: 'content is required', code: 'missing_parameter' },
    ]);
  const note: Note = {
    uid: ctx.store.ids.uid(),
    clientId: client.id,
    content,
    created_at: ctx.store.isoNow(),
  };
  ctx.store.notes.set(note.uid, note);
  return ok({ note: noteView(note) }, 201);
}

function findNote(ctx: Context): Note {
  const client = findClient(ctx, ctx.params.client_id);
  const note = ctx.store.notes.get(ctx.params.note_uid ?? '');
  if (!note || note.clientId !== client.id) throw errorShape(404, 'Note not found');
  return note;
}

async function uploadDocument(ctx: Context) {
  const client = findClient(ctx, ctx.params.client_id);
  if (ctx.body.kind !== 'form') {
    throw new ApiError(415, { status: 'Error', error: 'Expected a multipart/form-data body' });
  }
  const file = ctx.body.form.get('file');
  if (!(file instanceof File)) {
    throw validationShape([{ field: 'file', message: 'file is required', code: 'missing_parameter' }]);
  }
  const title = ctx.body.form.get('document[title]');
  const doc: StoredDocument = {
    uid: ctx.store.ids.uid(),
    clientId: client.id,
    title: typeof title === 'string' && title.trim() !== '' ? title : file.name,
    filename: file.name,
    content_type: file.type || 'application/octet-stream',
    size: (await file.arrayBuffer()).byteLength,
    created_at: ctx.store.isoNow(),
  };
  ctx.store.documents.set(doc.uid, doc);
  return ok({ document: documentView(doc) }, 201);
}

export const clientRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/platform/v1/clients', auth: BUSINESS_AUTH, handle: listClients },
  { method: 'POST', pattern: '/platform/v1/clients', auth: BUSINESS_AUTH, handle: createClient },
  {
    method: 'GET',
    pattern: '/platform/v1/clients/{client_id}',
    auth: BUSINESS_AUTH,
    handle: (ctx) => ok({ client: clientView(findClient(ctx, ctx.params.client_id)) }),
  },
  { method: 'PUT', pattern: '/platform/v1/clients/{client_id}', auth: BUSINESS_AUTH, handle: updateClient },
  {
    method: 'GET',
    pattern: '/platform/v1/clients/{client_id}/notes',
    auth: BUSINESS_AUTH,
    handle: (ctx) => {
      const client = findClient(ctx, ctx.params.client_id);
      const notes = [...ctx.store.notes.values()].filter((n) => n.clientId === client.id).map(noteView);
      return ok({ notes });
    },
  },
  {
    method: 'POST',
    pattern: '/platform/v1/clients/{client_id}/notes',
    auth: BUSINESS_AUTH,
    handle: createNote,
  },
  {
    method: 'GET',
    pattern: '/platform/v1/clients/{client_id}/notes/{note_uid}',
    auth: BUSINESS_AUTH,
    handle: (ctx) => ok({ note: noteView(findNote(ctx)) }),
  },
  {
    method: 'DELETE',
    pattern: '/platform/v1/clients/{client_id}/notes/{note_uid}',
    auth: BUSINESS_AUTH,
    handle: (ctx) => {
      const note = findNote(ctx);
      ctx.store.notes.delete(note.uid);
      return ok({ deleted: true, uid: note.uid });
    },
  },
  {
    method: 'POST',
    pattern: '/platform/v1/clients/{client_id}/documents',
    auth: BUSINESS_AUTH,
    handle: uploadDocument,
  },
];
