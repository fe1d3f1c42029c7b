// The mutes routes against an in-memory health store (the DynamoDB store's health API is added
// separately; the handler reaches these routes through asHealthStore).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lambda/handlers/api/http.js';
import { routeMutes } from '../../lambda/handlers/api/mutes.js';
import { hour } from '../support/health-results.js';
import { createMemoryHealthStore } from '../support/memory-health-store.js';

const ev = (httpMethod: string, body?: unknown) => ({
  httpMethod,
  body: body === undefined ? null : JSON.stringify(body),
  isBase64Encoded: false,
});
const now = () => new Date(hour(0));

describe('mutes routes', () => {
  it('POST creates, GET lists, DELETE removes', async () => {
    const store = createMemoryHealthStore();
    const created = await routeMutes(
      store,
      ev('POST', { domain: 'clients', for: '2h', reason: 'deploy' }),
      '/mutes',
      now,
    );
    expect(created?.statusCode).toBe(201);
    const mute = JSON.parse(created?.body ?? '{}') as { id: string };
    expect(mute).toMatchObject({
      scope: { kind: 'domain', domain: 'clients' },
      from: hour(0),
      until: hour(2),
      reason: 'deploy',
    });
    const listed = JSON.parse((await routeMutes(store, ev('GET'), '/mutes', now))?.body ?? '{}');
    expect(listed.mutes.map((m: { id: string }) => m.id)).toEqual([mute.id]);
    expect((await routeMutes(store, ev('DELETE'), `/mutes/${mute.id}`, now))?.statusCode).toBe(200);
    await expect(routeMutes(store, ev('DELETE'), `/mutes/${mute.id}`, now)).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(JSON.parse((await routeMutes(store, ev('GET'), '/mutes', now))?.body ?? '{}').mutes).toEqual([]);
  });

  it('400 for two scopes or no duration, 405 for other methods, undefined for other paths', async () => {
    const store = createMemoryHealthStore();
    const bad = routeMutes(store, ev('POST', { all: true, doc: 'x/*' }), '/mutes', now);
    await expect(bad).rejects.toBeInstanceOf(ApiError);
    await expect(routeMutes(store, ev('POST', { all: true }), '/mutes', now)).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(routeMutes(store, ev('PUT'), '/mutes', now)).rejects.toMatchObject({ statusCode: 405 });
    expect(await routeMutes(store, ev('GET'), '/runs', now)).toBeUndefined();
    expect(store.records.size).toBe(0);
  });
});
