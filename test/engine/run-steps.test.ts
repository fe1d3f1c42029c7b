// FORMAT.md §3-§5, §8: steps in order, extraction, whole-value typing, onFail, sleep, multipart, outcomes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalTestFiles } from '../../lambda/adapters/local/test-files.js';
import { doc, run, TOKENS, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

const step = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
const clients = {
  data: {
    clients: [{ id: 42, uid: 'c-uid' }],
    items: [
      { kind: 'a', id: 1 },
      { kind: 'b', id: 2 },
      { kind: 'b', id: 3 },
    ],
  },
};

describe('extraction and variables', () => {
  it('extracts values, keeps a whole-value template typed and interpolates an embedded one', async () => {
    api.handler = (r) => (r.path.endsWith('/clients') ? { body: clients } : { status: 201 });
    const pre = step([
      'id: get_client',
      'method: GET',
      'path: "/platform/v1/clients"',
      'extract: { client_id: "$.data.clients[0].id", second_b: "$.data.items[?(@.kind == \'b\')].id" }',
      'expect: { status: [200] }',
    ]);
    const test = step([
      'id: create',
      'method: POST',
      'path: "/platform/v1/messages"',
      'body: { message: { client_id: "{{client_id}}", text: "for {{client_id}} on {{today_date}}", first_b: "{{second_b}}", staff: "{{staff_id}}" } }',
      'expect: { status: [201] }',
    ]);
    const out = await run(api, { docs: { 'c/m.md': doc({ pre, test }) } });
    expect(out.docs['c/m.md']?.outcome).toBe('pass');
    const body = JSON.parse(api.received[1]?.body ?? '{}') as { message: Record<string, unknown> };
    const today = new Date().toISOString().slice(0, 10);
    expect(body.message).toEqual({ client_id: 42, text: `for 42 on ${today}`, first_b: 2, staff: 7 });
  });

  it('lets an extracted value shadow a config param of the same name', async () => {
    api.handler = (r) => (r.path.endsWith('/clients') ? { body: clients } : undefined);
    const pre = step([
      'id: g',
      'method: GET',
      'path: "/clients"',
      'extract: { staff_id: "$.data.clients[0].uid" }',
    ]);
    const test = step(['id: t', 'method: GET', 'path: "/staff/{{staff_id}}"']);
    await run(api, { docs: { 'c/s.md': doc({ pre, test }) } });
    expect(api.received[1]?.path).toBe('/apigw/staff/c-uid');
  });

  it('fails the step when a JSONPath matches nothing, and does not send what depends on it', async () => {
    api.handler = () => ({ body: { data: { clients: [] } } });
    const pre = step([
      'id: get_client',
      'method: GET',
      'path: "/clients"',
      'extract: { client_id: "$.data.clients[0].id" }',
    ]);
    const test = step(['id: use', 'method: GET', 'path: "/clients/{{client_id}}"']);
    const out = await run(api, { docs: { 'c/x.md': doc({ pre, test }) } });
    const r = out.docs['c/x.md'];
    expect(r?.outcome).toBe('fail');
    expect(r?.steps[0]).toMatchObject({
      outcome: 'fail',
      error: 'extract client_id: $.data.clients[0].id matched nothing',
    });
    expect(r?.reason).toMatch(/^c\/x\.md:\d+: step "get_client": extract client_id/);
    expect(r?.steps[1]?.outcome).toBe('skip');
    expect(api.received).toHaveLength(1);
  });

  it('falls back to the config param when a tolerated prerequisite did not extract it', async () => {
    api.handler = (r) => (r.path.endsWith('/clients') ? { status: 500 } : undefined);
    const pre = step([
      'id: g',
      'method: GET',
      'path: "/clients"',
      'extract: { client_id: "$.x" }',
      'onFail: continue',
    ]);
    const test = step(['id: t', 'method: GET', 'path: "/clients/{{client_id}}"']);
    const out = await run(api, {
      docs: { 'c/cfg.md': doc({ pre, test }) },
      params: { client_id: 'cfg-client' },
    });
    expect(out.docs['c/cfg.md']?.outcome).toBe('pass');
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/clients', '/apigw/clients/cfg-client']);
  });

  it('makes a doc with an unknown variable invalid before any request, naming path and line', async () => {
    const test = step(['id: t', 'method: GET', 'path: "/x/{{staff_idd}}"']);
    const out = await run(api, { docs: { 'c/bad.md': doc({ test }) } });
    expect(out.docs['c/bad.md']?.outcome).toBe('invalid');
    expect(out.docs['c/bad.md']?.reason).toMatch(/^c\/bad\.md:\d+: .*staff_idd/);
    expect(api.received).toHaveLength(0);
  });
});

describe('step order, expectations and onFail', () => {
  it('runs every Test Request step in order after the prerequisites', async () => {
    const pre = step(['id: p', 'method: GET', 'path: "/p"']);
    const test = ['t1', 't2', 't3']
      .map((id) => step([`id: ${id}`, 'method: GET', `path: "/${id}"`]))
      .join('\n');
    const out = await run(api, { docs: { 'c/all.md': doc({ pre, test }) } });
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/p', '/apigw/t1', '/apigw/t2', '/apigw/t3']);
    expect(out.docs['c/all.md']?.steps.map((s) => [s.id, s.phase, s.outcome])).toEqual([
      ['p', 'prerequisite', 'pass'],
      ['t1', 'test', 'pass'],
      ['t2', 'test', 'pass'],
      ['t3', 'test', 'pass'],
    ]);
  });

  /** A POST that expects 201. */
  const createStep = () =>
    step(['id: create', 'method: POST', 'path: "/m"', 'body: { a: 1 }', 'expect: { status: [201] }']);

  it('reports expected vs actual with a redacted body excerpt of at most 1 KB', async () => {
    api.handler = () => ({
      status: 422,
      body: { errors: [`token ${TOKENS.staff} rejected`], pad: 'é'.repeat(2000) },
    });
    const test = createStep();
    const out = await run(api, { docs: { 'c/f.md': doc({ test }) } });
    const s = out.docs['c/f.md']?.steps[0];
    expect(out.docs['c/f.md']?.outcome).toBe('fail');
    expect(s).toMatchObject({ status: 422, expected: [201], error: 'expected 201, got 422' });
    expect(Buffer.byteLength(s?.bodyExcerpt ?? '')).toBeLessThanOrEqual(1024);
    expect(s?.bodyExcerpt).toContain('[REDACTED]');
    expect(s?.bodyExcerpt).not.toContain(TOKENS.staff);
  });

  it('keeps no body for a step that passes (reports and history explain only what did not pass)', async () => {
    api.handler = () => ({ status: 201, body: { data: { id: 7, note: 'x'.repeat(500) } } });
    const test = createStep();
    const out = await run(api, { docs: { 'c/p.md': doc({ test }) } });
    expect(out.docs['c/p.md']?.outcome).toBe('pass');
    const s = out.docs['c/p.md']?.steps[0];
    expect(s).toMatchObject({ outcome: 'pass', status: 201 });
    expect(s).not.toHaveProperty('bodyExcerpt');
    const stored = await out.store.getRunResults('run-1');
    expect(JSON.stringify(stored)).not.toContain('xxxxxxxxxx');
  });

  it('onFail abort (the default) ends the doc as fail and sends no test step', async () => {
    api.handler = (r) => (r.path.endsWith('/p') ? { status: 500 } : undefined);
    const pre = step(['id: p', 'method: GET', 'path: "/p"', 'expect: { status: [200] }']);
    const out = await run(api, {
      docs: { 'c/a.md': doc({ pre, test: step(['id: t', 'method: GET', 'path: "/t"']) }) },
    });
    expect(out.docs['c/a.md']?.outcome).toBe('fail');
    expect(out.docs['c/a.md']?.steps.map((s) => s.outcome)).toEqual(['fail', 'skip']);
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/p']);
  });

  it.each(['continue', 'warn', 'skip'] as const)(
    'onFail %s records the failure and goes on',
    async (mode) => {
      api.handler = (r) => (r.path.endsWith('/p') ? { status: 404 } : undefined);
      const pre = step([
        'id: p',
        'method: GET',
        'path: "/p"',
        `onFail: ${mode}`,
        'skipReason: "optional data"',
      ]);
      const out = await run(api, {
        docs: { 'c/o.md': doc({ pre, test: step(['id: t', 'method: GET', 'path: "/t"']) }) },
      });
      expect(out.docs['c/o.md']?.outcome).toBe('pass');
      expect(out.docs['c/o.md']?.steps[0]).toMatchObject({
        outcome: mode === 'skip' ? 'skip' : 'fail',
        status: 404,
      });
      expect(api.received.map((r) => r.path)).toEqual(['/apigw/p', '/apigw/t']);
      const warnings = out.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
      expect(warnings).toEqual(
        mode === 'warn' ? [expect.stringMatching(/step "p": expected 2xx, got 404 \(onFail: warn\)$/)] : [],
      );
    },
  );

  it('a failing test step makes the doc fail and the next test steps still run', async () => {
    api.handler = (r) => (r.path.endsWith('/t1') ? { status: 400 } : undefined);
    const test = ['t1', 't2'].map((id) => step([`id: ${id}`, 'method: GET', `path: "/${id}"`])).join('\n');
    const out = await run(api, { docs: { 'c/t.md': doc({ test }) } });
    expect(out.docs['c/t.md']).toMatchObject({ outcome: 'fail' });
    expect(out.docs['c/t.md']?.reason).toMatch(/step "t1": expected 2xx, got 400$/);
    expect(api.received.map((r) => r.path)).toEqual(['/apigw/t1', '/apigw/t2']);
  });

  it('sleeps after a step succeeds, not after one that fails', async () => {
    api.handler = (r) => (r.path.endsWith('/bad') ? { status: 500 } : undefined);
    const test = [
      step(['id: ok', 'method: GET', 'path: "/ok"', 'sleep: 1500']),
      step(['id: bad', 'method: GET', 'path: "/bad"', 'sleep: 2500']),
    ].join('\n');
    const out = await run(api, { docs: { 'c/z.md': doc({ test }) } });
    expect(out.clock.sleeps).toEqual([1500]);
  });
});

describe('multipart', () => {
  it('sends form_fields and file_fields from the test-files folder', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'docs'), { recursive: true });
    await writeFile(join(dir, 'docs', 'sample.pdf'), '%PDF-1.4 test');
    const test = step([
      'id: upload',
      'method: POST',
      'path: "/upload"',
      'content_type: multipart',
      'form_fields: { "form_data[fields][title]": "Doc for {{business_id}}" }',
      'file_fields: [ { field_name: "file", file_path: "docs/sample.pdf", filename: "doc.pdf" } ]',
    ]);
    const out = await run(api, { docs: { 'c/u.md': doc({ test }) }, testFiles: createLocalTestFiles(dir) });
    expect(out.docs['c/u.md']?.outcome).toBe('pass');
    const r = api.received[0];
    expect(r?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(r?.body).toContain('name="form_data[fields][title]"\r\n\r\nDoc for biz-1\r\n');
    expect(r?.body).toContain(
      'name="file"; filename="doc.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 test\r\n',
    );
  });
});
