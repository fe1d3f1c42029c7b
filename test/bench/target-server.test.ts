import { afterEach, describe, expect, it } from 'vitest';
import { planDoc } from '../../bench/doc-plan.js';
import { buildRoutes, extractedValue } from '../../bench/routes.js';
import { maxInWindow, startTargetServer, type TargetServer } from '../../bench/target-server.js';

const DOC = `---
status: verified
---
## Prerequisites

\`\`\`yaml
steps:
  - id: get_client
    method: GET
    path: "/platform/v1/clients"
    extract:
      client_id: "$.data.clients[0].id"
      staff: "$.data.staffs[?(@.role == 'owner')].uid"
    expect:
      status: [200]
\`\`\`

## Test Request

\`\`\`yaml
steps:
  - id: update
    method: PUT
    path: "/platform/v1/clients/{{client_id}}?x=1"
    body: { a: 1 }
    expect:
      status: 202
\`\`\`
`;

let server: TargetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('maxInWindow', () => {
  it('counts the busiest half-open window', () => {
    expect(maxInWindow([0, 100, 999, 1000, 1500, 1999], 1000)).toBe(3);
    expect(maxInWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxInWindow([], 1000)).toBe(0);
  });
});

describe('target server', () => {
  it('answers from the docs with their status and extractable bodies, after the latency', async () => {
    server = await startTargetServer({ latencyMs: 60, routes: buildRoutes([planDoc('a.md', DOC)]) });
    const t0 = performance.now();
    const list = await fetch(`${server.baseUrl}/platform/v1/clients?per_page=1`);
    const elapsed = performance.now() - t0;
    const body = (await list.json()) as {
      data: { clients: { id: string }[]; staffs: { role: string; uid: string }[] };
    };
    expect(list.status).toBe(200);
    expect(body.data.clients[0]?.id).toBe(extractedValue('client_id'));
    expect(body.data.staffs[0]).toEqual({ role: 'owner', uid: extractedValue('staff') });
    // Functional check that the latency is applied at all (a lower bound, not a speed assertion).
    expect(elapsed).toBeGreaterThanOrEqual(55);

    const put = await fetch(`${server.fallbackUrl}/platform/v1/clients/abc123`, {
      method: 'PUT',
      body: '{"a":1}',
    });
    expect(put.status).toBe(202);
    await put.text();
    const miss = await fetch(`${server.baseUrl}/nope`);
    expect(miss.status).toBe(404);
    await miss.text();

    const stats = server.stats();
    expect(stats.requests).toBe(3);
    expect(stats.unmatched).toBe(1);
    expect(stats.firstAt).toBeGreaterThanOrEqual(t0);
  });

  it('records arrivals so that a burst shows in the 1 s window, and reset forgets them', async () => {
    server = await startTargetServer({ latencyMs: 0, routes: buildRoutes([]) });
    const s = server;
    await Promise.all(Array.from({ length: 7 }, () => fetch(`${s.baseUrl}/x`).then((r) => r.text())));
    expect(server.stats().maxInWindow(1000)).toBe(7);
    const braces = await fetch(`${s.baseUrl}/a/{{id}}`);
    await braces.text();
    expect(server.stats().literalBraces).toBe(1);
    server.reset();
    expect(server.stats().requests).toBe(0);
    expect(server.stats().maxInWindow()).toBe(0);
  });
});
