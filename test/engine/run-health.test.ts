// Endpoint health through the whole runner (issue 12): repeated runs through runDocs against a real
// local API server and the real local store (the DynamoDB store on dynalite at the end). Each run
// settles incidents and target conditions once, and its health alerts are emitted and delivered like
// business alerts.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { createWebhookAlertSink } from '../../lambda/adapters/webhook/webhook-sink.js';
import { incidentSchema } from '../../lambda/engine/health/records.js';
import {
  type ConditionAlert,
  type DocFailingAlert,
  type DocRecoveredAlert,
  type HealthAlert,
  isHealthAlert,
} from '../../lambda/engine/health/types.js';
import type { StateStore } from '../../lambda/engine/ports.js';
import { countOpenIncidents } from '../../lambda/engine/run/settle-health.js';
import type { RunOptions } from '../../lambda/engine/target.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';
import { doc, type RunSetup, run, TOKENS, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

/** A verified doc with one GET step to `path`. */
const getDoc = (path: string, domain = 'clients', extra = '') =>
  doc({
    front: `endpoint: "GET ${path}"\ndomain: ${domain}\nstatus: verified`,
    test: `  - id: get_it\n    method: GET\n    path: "${path}"\n    expect: { status: [200] }`,
    extra,
  });

const A = 'clients/a.md';
const B = 'billing/b.md';
const DOCS = { [A]: getDoc('/a'), [B]: getDoc('/b', 'billing') };

/** Paths answering this status (the rest answer 200). */
function breakPaths(status: number, ...paths: string[]) {
  api.handler = (r) =>
    paths.some((p) => r.path.endsWith(p)) ? { status, body: { status: 'Error' } } : undefined;
}
const healthy = () => {
  api.handler = () => undefined;
};

async function localStore(): Promise<StateStore> {
  return createLocalStateStore({ dir: await tempDir() });
}

let n = 0;
/** One run against `store` with a fresh run id; returns its health alerts. */
async function runOnce(
  store: StateStore,
  setup: Partial<RunSetup> = {},
  options: Partial<RunOptions> = {},
): Promise<HealthAlert[]> {
  const out = await run(api, {
    docs: DOCS,
    ...setup,
    store,
    options: { runId: `run-${++n}`, ...options },
  });
  return out.alerts.filter(isHealthAlert);
}
const types = (alerts: readonly HealthAlert[]) => alerts.map((a) => a.type);

describe('incidents over repeated runs', () => {
  it('opens after 2 failing runs (one doc.failing), stays quiet while failing, closes on a pass (one doc.recovered)', async () => {
    const store = await localStore();
    breakPaths(500, '/a');
    expect(await runOnce(store)).toEqual([]);
    const opened = await runOnce(store);
    expect(types(opened)).toEqual(['doc.failing']);
    const failing = opened[0] as DocFailingAlert;
    expect(failing.idempotencyKey).toBe(`doc-incident#${A}#2`);
    expect(failing.docs).toHaveLength(1);
    expect(failing.docs[0]).toMatchObject({
      doc: A,
      endpoint: 'GET /a',
      domain: 'clients',
      outcome: 'fail',
      failures: 2,
      step: { id: 'get_it', method: 'GET', expected: [200], actual: 500 },
    });
    expect(failing.docs[0]?.step?.url).toBe(`${api.url}/apigw/a`);
    expect(await countOpenIncidents(store)).toBe(1);
    for (let i = 0; i < 3; i++) expect(await runOnce(store)).toEqual([]);
    healthy();
    const closed = await runOnce(store);
    expect(types(closed)).toEqual(['doc.recovered']);
    expect((closed[0] as DocRecoveredAlert).docs.map((d) => d.doc)).toEqual([A]);
    expect(await countOpenIncidents(store)).toBe(0);
    expect(await runOnce(store)).toEqual([]);
  });

  it('honours failAfter 3 and recoverAfter 2 from the run options', async () => {
    const store = await localStore();
    const health = { health: { failAfter: 3, recoverAfter: 2 } };
    breakPaths(500, '/a');
    expect(await runOnce(store, {}, health)).toEqual([]);
    expect(await runOnce(store, {}, health)).toEqual([]);
    expect(types(await runOnce(store, {}, health))).toEqual(['doc.failing']);
    healthy();
    expect(await runOnce(store, {}, health)).toEqual([]);
    expect(types(await runOnce(store, {}, health))).toEqual(['doc.recovered']);
  });

  it("quotes the doc's Known Issues as the remedy when they name the status seen", async () => {
    const store = await localStore();
    const known =
      '\n## Known Issues\n\n- **500 on Mondays**: the batch job locks the table.\n  **Fix**: rerun after 06:00 UTC.\n';
    breakPaths(500, '/a');
    const docs = { [A]: getDoc('/a', 'clients', known) };
    await runOnce(store, { docs });
    const [alert] = await runOnce(store, { docs });
    expect((alert as DocFailingAlert).docs[0]?.remedy).toBe('rerun after 06:00 UTC.');
  });

  it('10 docs breaking in one run give one doc.failing listing all 10', async () => {
    const store = await localStore();
    const docs = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`${i % 2 ? 'clients' : 'billing'}/d${i}.md`, getDoc(`/d${i}`)]),
    );
    // 404, not 5xx: a target-wide 5xx would be the target being down.
    api.handler = (r) => (r.path.includes('/d') ? { status: 404 } : undefined);
    await runOnce(store, { docs });
    const alerts = await runOnce(store, { docs });
    expect(types(alerts)).toEqual(['doc.failing']);
    expect((alerts[0] as DocFailingAlert).docs.map((d) => d.doc).sort()).toEqual(Object.keys(docs).sort());
    healthy();
    const back = await runOnce(store, { docs });
    expect(types(back)).toEqual(['doc.recovered']);
    expect((back[0] as DocRecoveredAlert).docs).toHaveLength(10);
  });
});

describe('target conditions', () => {
  it('target down: one target.down, no per-doc incident however many runs, one target.recovered', async () => {
    const store = await localStore();
    const docs = { ...DOCS, 'clients/c.md': getDoc('/c') };
    api.handler = () => ({ status: 503, body: 'Service Unavailable' });
    const down = await runOnce(store, { docs });
    expect(types(down)).toEqual(['target.down']);
    expect(down[0]).toMatchObject({ subject: 'target', evidence: { matched: 3, byKind: { '503': 3 } } });
    for (let i = 0; i < 3; i++) expect(await runOnce(store, { docs })).toEqual([]);
    healthy();
    expect(types(await runOnce(store, { docs }))).toEqual(['target.recovered']);
    expect(await runOnce(store, { docs })).toEqual([]);
    const incidents = await store.listHealth('incident');
    expect(incidents).toEqual([]);
  });

  it('keys the condition on the target name the run gives', async () => {
    const store = await localStore();
    api.handler = () => ({ status: 502 });
    const docs = { ...DOCS, 'clients/c.md': getDoc('/c') };
    const [alert] = await runOnce(store, { docs }, { health: { target: 'staging' } });
    expect(alert as ConditionAlert).toMatchObject({ type: 'target.down', subject: 'staging' });
    expect((await store.listHealth('condition')).map((r) => r.key)).toEqual(['target.down#staging']);
  });
});

describe('filtered runs', () => {
  it('a --doc run updates only the incidents of the docs it ran', async () => {
    const store = await localStore();
    breakPaths(404, '/a', '/b');
    await runOnce(store);
    const before = await store.getHealth('incident', B);
    const alerts = await runOnce(store, {}, { filters: { docs: [A] } });
    expect((alerts[0] as DocFailingAlert).docs.map((d) => d.doc)).toEqual([A]);
    expect(await store.getHealth('incident', B)).toEqual(before);
    const a = await store.getHealth('incident', A);
    expect(incidentSchema.parse(a?.data)).toMatchObject({ state: 'open', consecutiveFailures: 2 });
  });

  it('a filtered run may start a target condition but never clears it', async () => {
    const store = await localStore();
    const docs = { ...DOCS, 'clients/c.md': getDoc('/c') };
    api.handler = () => ({ status: 503 });
    expect(types(await runOnce(store, { docs }))).toEqual(['target.down']);
    healthy();
    expect(await runOnce(store, { docs }, { filters: { domains: ['clients'] } })).toEqual([]);
    expect(types(await runOnce(store, { docs }))).toEqual(['target.recovered']);
  });
});

describe('concurrent runs', () => {
  it('two runs against one store at once send one alert per transition', async () => {
    const store = await localStore();
    breakPaths(404, '/a');
    await runOnce(store);
    const [x, y] = await Promise.all([runOnce(store), runOnce(store)]);
    expect(types([...x, ...y])).toEqual(['doc.failing']);
    healthy();
    const [p, q] = await Promise.all([runOnce(store), runOnce(store)]);
    expect(types([...p, ...q])).toEqual(['doc.recovered']);
  });
});

describe('mutes', () => {
  it('a muted doc raises nothing; after the mute ends, the still-failing doc alerts once', async () => {
    const store = await localStore();
    const mute = (until: string) => ({
      id: 'm1',
      scope: { kind: 'doc', glob: 'clients/*' },
      from: '2020-01-01T00:00:00.000Z',
      until,
      reason: 'deploy',
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    expect(
      await store.putHealth('mute', 'm1', mute('2999-01-01T00:00:00.000Z'), 0, new Date().toISOString()),
    ).toBe(true);
    breakPaths(404, '/a');
    for (let i = 0; i < 3; i++) expect(await runOnce(store)).toEqual([]);
    expect(incidentSchema.parse((await store.getHealth('incident', A))?.data).state).toBe('open');
    // The window ends.
    expect(
      await store.putHealth('mute', 'm1', mute('2021-01-01T00:00:00.000Z'), 1, new Date().toISOString()),
    ).toBe(true);
    const after = await runOnce(store);
    expect(types(after)).toEqual(['doc.failing']);
    expect((after[0] as DocFailingAlert).docs.map((d) => d.doc)).toEqual([A]);
    expect(await runOnce(store)).toEqual([]);
  });
});

describe('delivery', () => {
  let hook: Server;
  let hookUrl: string;
  const posted: { path: string; body: unknown }[] = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => {
        text += String(d);
      });
      req.on('end', () => {
        posted.push({ path: req.url ?? '', body: JSON.parse(text) as unknown });
        res.writeHead(204).end();
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/verifier`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => hook.close(() => r()));
  });

  it('the webhook receives the doc.failing JSON once, as emitted', async () => {
    const store = await localStore();
    breakPaths(500, '/a');
    const alerts = createWebhookAlertSink({ url: hookUrl });
    await runOnce(store, { alerts });
    const emitted = await runOnce(store, { alerts });
    await runOnce(store, { alerts });
    expect(posted.map((p) => p.path)).toEqual(['/hooks/verifier']);
    expect(posted[0]?.body).toEqual(JSON.parse(JSON.stringify(emitted[0])));
    expect(posted[0]?.body).toMatchObject({ type: 'doc.failing', docs: [{ doc: A, failures: 2 }] });
  });

  it('canary: no token in any health alert, whatever the API echoes back', async () => {
    const store = await localStore();
    const docs = {
      ...DOCS,
      'clients/c.md': getDoc(`/c?key=${TOKENS.staff}`),
    };
    // Every answer quotes the Authorization header and the tokens; the token type is rejected throughout.
    api.handler = (r) => ({
      status: 401,
      body: { error: `bad ${r.headers.authorization} ${TOKENS.staff} ${TOKENS.directory}`, url: r.url },
    });
    const first = await runOnce(store, { docs });
    expect(types(first)).toEqual(['credential.rejected']);
    api.handler = (r) => ({
      status: 500,
      body: { error: `bad ${r.headers.authorization} ${TOKENS.staff}`, url: r.url },
    });
    const all = [...first, ...(await runOnce(store, { docs })), ...(await runOnce(store, { docs }))];
    expect(types(all)).toEqual(expect.arrayContaining(['credential.rejected', 'doc.failing']));
    const text = JSON.stringify(all);
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
  });
});

describe('DynamoDB store (dynalite)', () => {
  const raw = createDynamoClient();
  const client = createDocumentClient(raw);
  const dynamoStore = async () => createDynamoStateStore({ client, tableName: await createStateTable(raw) });

  it('opens and closes an incident once each way, and two concurrent runs alert one transition once', async () => {
    const store = await dynamoStore();
    breakPaths(404, '/a');
    expect(await runOnce(store)).toEqual([]);
    const [x, y] = await Promise.all([runOnce(store), runOnce(store)]);
    expect(types([...x, ...y])).toEqual(['doc.failing']);
    expect(await countOpenIncidents(store)).toBe(1);
    expect(await runOnce(store)).toEqual([]);
    healthy();
    expect(types(await runOnce(store))).toEqual(['doc.recovered']);
    expect(await countOpenIncidents(store)).toBe(0);
  });
});
