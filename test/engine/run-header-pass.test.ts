// Pass one reads only what it needs before the first request (frontmatter, and only when a filter or
// fallback routing depends on it); every result still carries the doc's header fields.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type ApiServer, cleanTempDirs, doc, run, startApi } from '../support/run-harness.js';

let api: ApiServer;
beforeAll(async () => {
  api = await startApi();
});
afterEach(async () => {
  api.received.length = 0;
  await cleanTempDirs();
});
afterAll(async () => {
  await api.close();
});

const get = (id: string, path: string) =>
  `  - id: ${id}\n    method: GET\n    path: "${path}"\n    expect: { status: [200] }`;
const front = (status: string) =>
  `endpoint: "GET /platform/v1/things"\ndomain: billing\ntags: [t1]\nstatus: ${status}`;

it('reports endpoint, domain, tags and status for every outcome, as parsed from the frontmatter', async () => {
  const docs = {
    'x/pass.md': doc({ front: front('verified'), test: get('s', '/p') }),
    'x/skip.md': doc({ front: front('pending'), test: get('s', '/p') }),
    'x/invalid.md': doc({ front: front('verified'), test: '  - id: s\n    method: FETCH\n    path: /p' }),
    'x/unclosed.md': '---\nstatus: verified\n# no closing fence\n',
  };
  const out = await run(api, { docs });
  for (const id of ['x/pass.md', 'x/skip.md', 'x/invalid.md']) {
    expect(out.docs[id], id).toMatchObject({
      endpoint: 'GET /platform/v1/things',
      domain: 'billing',
      tags: ['t1'],
    });
  }
  expect(out.docs['x/pass.md']).toMatchObject({ outcome: 'pass', status: 'active' });
  expect(out.docs['x/skip.md']).toMatchObject({ outcome: 'skip', status: 'pending' });
  expect(out.docs['x/invalid.md']).toMatchObject({ outcome: 'invalid', status: 'active' });
  // Not understood at all: the domain comes from the folder, and no header fields are invented.
  expect(out.docs['x/unclosed.md']).toMatchObject({ outcome: 'invalid', domain: 'x' });
  expect(out.docs['x/unclosed.md']).not.toHaveProperty('status');
});

it('keeps the header fields on docs skipped for the deadline', async () => {
  const docs = { 'x/late.md': doc({ front: front('verified'), test: get('s', '/p') }) };
  const out = await run(api, { docs, options: { deadline: new Date(Date.now() - 1) } });
  expect(out.docs['x/late.md']).toMatchObject({
    outcome: 'skip',
    reason: 'deadline',
    endpoint: 'GET /platform/v1/things',
    domain: 'billing',
    tags: ['t1'],
    status: 'active',
  });
  expect(api.received).toHaveLength(0);
});

it('finds a fallback doc whose useFallbackApi key is spelled with a YAML escape', async () => {
  const docs = {
    'a/fallback.md': doc({
      front: 'endpoint: "GET /platform/v1/widgets"\ndomain: a\nstatus: skipped\n"useFallback\\x41pi": true',
      test: get('s', '/platform/v1/widgets'),
    }),
    'a/user.md': doc({ test: get('uses', '/platform/v1/widgets') }),
  };
  const out = await run(api, { docs });
  expect(out.docs['a/user.md']?.outcome).toBe('pass');
  expect(api.received.map((r) => r.path)).toEqual(['/api2/platform/v1/widgets']);
});

it('selects by domain and tag from the frontmatter', async () => {
  const docs = {
    'a/in.md': doc({ front: 'domain: billing\ntags: [keep]\nstatus: verified', test: get('s', '/in') }),
    'a/other-tag.md': doc({ front: 'domain: billing\ntags: [drop]\nstatus: verified', test: get('s', '/t') }),
    'billing/other-domain.md': doc({
      front: 'domain: crm\ntags: [keep]\nstatus: verified',
      test: get('s', '/d'),
    }),
  };
  const out = await run(api, { docs, options: { filters: { domains: ['billing'], tags: ['keep'] } } });
  expect(Object.keys(out.docs)).toEqual(['a/in.md']);
  expect(api.received.map((r) => r.path)).toEqual(['/apigw/in']);
});
