// Every seed doc's Authentication table is what the sandbox answers: for each row, the doc's endpoint
// is called with that token type. "No ... Returns NNN" rows must get exactly NNN; "Yes" rows must get
// past authentication (no 400/401/403/500; a bodiless POST may still be a 422 or 415).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';

const SEEDS = join(import.meta.dirname, '../../seeds');
let s: Sandbox;
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await createSandbox({ seed: 8 });
  const p = s.tokens.params as Record<string, string>;
  const auth = { authorization: `Bearer ${s.tokens.tokens.staff}`, 'content-type': 'application/json' };
  const note = await fetch(`${s.baseUrl}/platform/v1/clients/${p.client_id}/notes`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ note: { content: 'for the auth table test' } }),
  }).then((r) => r.json() as Promise<{ data: { note: { uid: string } } }>);
  const message = await fetch(`${s.fallbackUrl}/platform/v1/messages`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ message: { client_id: p.client_id, text: 'for the auth table test' } }),
  }).then((r) => r.json() as Promise<{ data: { conversation_uid: string } }>);
  Object.assign(ids, {
    business_uid: p.business_uid,
    business_id: p.business_id,
    client_id: p.client_id,
    uid: p.portal_uid,
    note_uid: note.data.note.uid,
    conversation_uid: message.data.conversation_uid,
  });
});
afterAll(async () => {
  await s.close();
});

interface Row {
  readonly type: string;
  readonly works: boolean;
  readonly returns?: number;
  readonly notes: string;
}

function authTable(markdown: string): Row[] {
  const section = markdown.split(/^## Authentication\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^\|\s*[A-Za-z]+\s*\|/.test(l) && !/Token Type/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map(([, type = '', works = '', notes = '']) => ({
      type: type.toLowerCase(),
      works: /^yes$/i.test(works),
      ...(/Returns (\d{3})/.exec(notes) ? { returns: Number(/Returns (\d{3})/.exec(notes)?.[1]) } : {}),
      notes,
    }));
}

async function callAs(endpoint: string, fallback: boolean, row: Row): Promise<number> {
  const [method = 'GET', template = '/'] = endpoint.split(' ');
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? name);
  const partners = path.includes('/partners/');
  const token = s.tokens.tokens[row.type] ?? 'no-such-token';
  const headers: Record<string, string> = {
    authorization: partners ? `Token token="${token}"` : `Bearer ${token}`,
  };
  if (row.type === 'directory' && /X-On-Behalf-Of/.test(row.notes))
    headers['X-On-Behalf-Of'] = ids.business_uid ?? '';
  const base = partners ? s.partnersUrl : fallback ? s.fallbackUrl : s.baseUrl;
  const res = await fetch(`${base}${path}`, { method, headers });
  await res.arrayBuffer();
  return res.status;
}

describe('seed docs: Authentication tables match the sandbox', async () => {
  const source = createLocalDocSource(SEEDS);
  const docIds = await source.list();

  it('every seed doc has a table', async () => {
    for (const id of docIds) expect(authTable(await source.read(id)), id).not.toEqual([]);
  });

  for (const id of docIds) {
    it(id, async () => {
      const text = await readFile(join(SEEDS, id), 'utf8');
      const doc = parseDoc(id, text).doc;
      expect(doc?.endpoint).toBeTruthy();
      for (const row of authTable(text)) {
        if (!['staff', 'client', 'directory', 'app'].includes(row.type)) continue;
        const status = await callAs(doc?.endpoint ?? '', doc?.useFallbackApi ?? false, row);
        if (row.works) expect([400, 401, 403, 500], `${id} ${row.type}`).not.toContain(status);
        else if (row.returns) expect(status, `${id} ${row.type}`).toBe(row.returns);
        else expect([400, 401, 403], `${id} ${row.type}`).toContain(status);
      }
    });
  }
});
