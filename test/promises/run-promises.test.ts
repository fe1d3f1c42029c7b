// Doc promises checked during real runs against a recording server on 127.0.0.1:0: the auth matrix
// re-sends GET steps with the other documented token types and compares with the table; response
// bodies are checked against their OpenAPI schema. Neither changes the outcome (except strict).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpecs } from '../../lambda/adapters/openapi/load-specs.js';
import { createJsonReportWriter } from '../../lambda/adapters/report/json-report.js';
import { createJunitReportWriter } from '../../lambda/adapters/report/junit-report.js';
import { indexOperations, type OperationIndex } from '../../lambda/engine/promises/operations.js';
import { doc, run, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();
const TOKENS = { staff: 'staff-secret-111', app: 'app-secret-222', directory: 'dir-secret-333' };

const AUTH = `
## Authentication

| Token Type | Works | Notes |
|------------|-------|-------|
| Staff | ✅ | |
| App | No | Returns 400 "Invalid app authentication" |
| Directory | Yes | Requires X-On-Behalf-Of |
`;

const step = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
const clientDoc = doc({
  front:
    'endpoint: "GET /platform/v1/clients/{client_id}"\ndomain: clients\nstatus: verified\ntokens: [staff, directory]',
  pre: step([
    'id: list',
    'method: GET',
    'path: "/platform/v1/clients"',
    'extract: { client_id: "$.data.id" }',
  ]),
  test: [
    step(['id: get_client', 'method: GET', 'path: "/platform/v1/clients/{{client_id}}"']),
    step([
      'id: update_client',
      'method: PUT',
      'path: "/platform/v1/clients/{{client_id}}"',
      'body: { a: 1 }',
    ]),
  ].join('\n'),
  extra: AUTH,
});

const tokenOf = (auth: string | undefined) => Object.entries(TOKENS).find(([, t]) => auth?.endsWith(t))?.[0];

describe('the auth matrix', () => {
  it('re-sends GET steps per documented token type, with the extracts, and finds the wrongly accepted one', async () => {
    api.handler = (r) => {
      const who = tokenOf(r.headers.authorization);
      if (r.path.endsWith('/clients')) return { body: { data: { id: 'c-9' } } };
      if (who === 'directory' && !r.headers['x-on-behalf-of']) return { status: 401 };
      return { body: { status: 'OK', data: { id: 'c-9', first_name: 'A' } } }; // app wrongly accepted
    };
    const out = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      params: { business_id: 'biz-1' },
      promises: { authMatrix: 'get' },
    });
    const result = out.docs['clients/get.md'];
    expect(result?.outcome).toBe('pass');
    expect(result?.auth).toEqual([
      {
        tokenType: 'app',
        documented: 'refused',
        expectedStatus: 400,
        step: 'get_client',
        status: 200,
        finding: 'auth.accepted',
      },
      { tokenType: 'directory', documented: 'accepted', step: 'get_client', status: 200, finding: 'ok' },
    ]);
    const resent = api.received.filter((r) => r.path === '/apigw/platform/v1/clients/c-9');
    expect(resent.map((r) => `${r.method} ${tokenOf(r.headers.authorization)}`)).toEqual([
      'GET staff',
      'PUT staff',
      'GET app',
      'GET directory',
    ]);
    expect(resent[3]?.headers['x-on-behalf-of']).toBe('biz-1');
    expect(JSON.stringify(out.docs)).not.toMatch(/secret-\d{3}/);
  });

  it('re-sends every step with "all", and reports a refusal with another status as auth.status', async () => {
    api.handler = (r) => {
      if (r.path.endsWith('/clients')) return { body: { data: { id: 'c-9' } } };
      return tokenOf(r.headers.authorization) === 'app' ? { status: 401 } : undefined;
    };
    const out = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      params: { business_id: 'biz-1' },
      promises: { authMatrix: 'all' },
    });
    expect(out.docs['clients/get.md']?.auth?.map((a) => `${a.step} ${a.tokenType} ${a.finding}`)).toEqual([
      'get_client app auth.status',
      'get_client directory ok',
      'update_client app auth.status',
      'update_client directory ok',
    ]);
  });

  it('does not run for a doc that failed, nor without the option', async () => {
    api.handler = (r) => (r.path.endsWith('/clients') ? { body: { data: { id: 'c-9' } } } : { status: 500 });
    const failed = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      promises: { authMatrix: 'get' },
    });
    expect(failed.docs['clients/get.md']?.outcome).toBe('fail');
    expect(failed.docs['clients/get.md']?.auth).toBeUndefined();
    api.handler = (r) => (r.path.endsWith('/clients') ? { body: { data: { id: 'c-9' } } } : undefined);
    const off = await run(api, { docs: { 'clients/get.md': clientDoc }, tokens: TOKENS });
    expect(off.docs['clients/get.md']?.auth).toBeUndefined();
  });
});

describe('response contracts', () => {
  let index: OperationIndex;
  beforeAll(async () => {
    const root = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
    index = indexOperations(
      (await loadSpecs(root, [{ prefix: 'https://hub.example.test/', dir: root }])).specs,
    );
  });
  const drifting = (r: { path: string }) =>
    r.path.endsWith('/clients')
      ? { body: { data: { id: 'c-9' } } }
      : { body: { status: 'OK', data: { id: 9 } } };

  it('reports a drifted response on the doc without failing it', async () => {
    api.handler = drifting;
    const out = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      promises: { contract: { index, strict: false } },
    });
    const result = out.docs['clients/get.md'];
    expect(result?.outcome).toBe('pass');
    expect(result?.contract).toEqual([
      {
        step: 'get_client',
        operation: 'GET /clients/{client_id}',
        spec: 'swagger/clients-oas30.yaml',
        valid: false,
        findings: [
          { pointer: '/data', message: 'missing required property "first_name"' },
          { pointer: '/data/id', message: 'expected string, got integer' },
        ],
      },
    ]);
  });

  it('fails the doc under strict, naming the step, operation and first drift', async () => {
    api.handler = drifting;
    const out = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      promises: { contract: { index, strict: true } },
    });
    expect(out.docs['clients/get.md']?.outcome).toBe('fail');
    expect(out.docs['clients/get.md']?.reason).toBe(
      'clients/get.md: step "get_client": the response drifted from its contract (GET /clients/{client_id} in swagger/clients-oas30.yaml): /data: missing required property "first_name"',
    );
  });
});

describe('the reports', () => {
  let index: OperationIndex;
  beforeAll(async () => {
    const root = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
    index = indexOperations(
      (await loadSpecs(root, [{ prefix: 'https://hub.example.test/', dir: root }])).specs,
    );
  });

  it('JSON carries the contract totals; JUnit has a test case per token type and checked step', async () => {
    api.handler = (r) => {
      if (r.path.endsWith('/clients')) return { body: { data: { id: 'c-9' } } };
      return { body: { status: 'OK', data: { id: 9 } } }; // every token accepted, body drifted
    };
    const out = await run(api, {
      docs: { 'clients/get.md': clientDoc },
      tokens: TOKENS,
      params: { business_id: 'biz-1' },
      promises: { authMatrix: 'get', contract: { index, strict: false } },
    });
    const dir = await tempDir();
    const json = createJsonReportWriter(join(dir, 'r.json'));
    const junit = createJunitReportWriter(join(dir, 'r.xml'));
    for (const e of out.events) {
      json.onEvent(e);
      junit.onEvent(e);
    }
    await Promise.all([json.close(), junit.close()]);
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    // The PUT step has no schema in the fixtures: one step matched with a schema, and it drifted.
    expect(report.contract).toEqual({ matched: 2, withSchema: 1, valid: 0 });
    expect(report.docs[0].auth.map((a: { finding: string }) => a.finding)).toEqual(['auth.accepted', 'ok']);
    const xml = await readFile(join(dir, 'r.xml'), 'utf8');
    const suite = new XMLParser({ ignoreAttributes: false }).parse(xml).testsuites.testsuite;
    expect(suite['@_tests']).toBe('4');
    expect(suite['@_failures']).toBe('2');
    const cases = suite.testcase.map((c: Record<string, unknown>) => [
      c['@_name'],
      (c.failure as Record<string, string> | undefined)?.['@_type'] ?? 'ok',
    ]);
    expect(cases).toEqual([
      ['clients/get.md', 'ok'],
      ['clients/get.md [auth app: get_client]', 'auth.accepted'],
      ['clients/get.md [auth directory: get_client]', 'ok'],
      ['clients/get.md [contract get_client: GET /clients/{client_id}]', 'contract'],
    ]);
    expect(xml).not.toMatch(/secret-\d{3}/);
  });
});
