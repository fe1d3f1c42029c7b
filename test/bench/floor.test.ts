import { afterEach, describe, expect, it } from 'vitest';
import { isRunnable, planDoc, planDocs } from '../../bench/doc-plan.js';
import { runFloor } from '../../bench/floor.js';
import { buildFloorPlan, sentStepsFromReport } from '../../bench/floor-plan.js';
import { buildRoutes } from '../../bench/routes.js';
import { syntheticDoc } from '../../bench/synth-docs.js';
import { startTargetServer, type TargetServer } from '../../bench/target-server.js';
import { hasShared, SEEDS_DIR, SHARED_CORPUS } from '../support/shared.js';

// The shipped docs always; the corpus when ../shared is beside the clone.
const ROOTS = [
  { name: 'the seeds', dir: SEEDS_DIR },
  ...(hasShared() ? [{ name: 'the corpus', dir: SHARED_CORPUS }] : []),
];
const CREDS = {
  tokens: { staff: 'tok-staff', admin: 'tok-admin' },
  params: { business_id: 'b1', staff_id: 's1' },
};

let server: TargetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('floor plan', () => {
  it('resolves variables, routes fallback docs and sets auth like the verifier', () => {
    const docs = [0, 3].map((n) => syntheticDoc(n)).map((d) => planDoc(d.id, d.text));
    const target = {
      baseUrl: 'http://h/apigw',
      fallbackUrl: 'http://h/api2',
      partnersUrl: 'http://p',
      ...CREDS,
    };
    const plan = buildFloorPlan(docs, target, isRunnable);
    expect(plan).toHaveLength(2);
    const [list, get] = plan[0]?.requests ?? [];
    expect(list?.url).toBe('http://h/apigw/platform/v1/bench/widgets?business_id=b1&per_page=1');
    expect(list?.headers.authorization).toBe('Bearer tok-staff');
    expect(get?.url).toBe('http://h/apigw/platform/v1/bench/widgets/bench_widget_uid');
    const create = plan[1]?.requests[1];
    expect(create?.url.startsWith('http://h/api2/')).toBe(true);
    expect(create?.method).toBe('POST');
    expect(JSON.parse(create?.body ?? '{}').estimate.business_id).toBe('b1');
    expect(JSON.stringify(plan)).not.toContain('{{');
  });

  it('keeps exactly the steps the verifier report says were sent', () => {
    const docs = [0, 4].map((n) => syntheticDoc(n)).map((d) => planDoc(d.id, d.text));
    const report = {
      docs: [
        { doc: docs[0]?.id, steps: [{ id: 'get_widgets', phase: 'prerequisite', status: 500 }] },
        { doc: docs[1]?.id, steps: [{ id: 'get_gadgets', phase: 'prerequisite' }] },
      ],
    };
    const target = { baseUrl: 'http://h', fallbackUrl: 'http://h', partnersUrl: 'http://h', ...CREDS };
    const plan = buildFloorPlan(docs, target, isRunnable, sentStepsFromReport(report));
    expect(plan.map((d) => [d.id, d.requests.length])).toEqual([[docs[0]?.id, 1]]);
  });
});

describe('floor script', () => {
  it.each(ROOTS)(
    'sends every planned request of $name to the target, all answered by a route',
    async (root) => {
      const docs = await planDocs(root.dir);
      server = await startTargetServer({ latencyMs: 1, routes: buildRoutes(docs) });
      const plan = buildFloorPlan(docs, { ...server, ...CREDS }, isRunnable);
      const planned = plan.reduce((n, d) => n + d.requests.length, 0);
      expect(planned).toBeGreaterThan(10);
      const result = await runFloor(plan, 10);
      expect(result).toEqual({ requests: planned, failures: 0 });
      expect(server.stats().requests).toBe(planned);
      expect(server.stats().unmatched).toBe(0);
    },
  );

  it('spaces requests with the same sliding-window cap when given a rate', async () => {
    const docs = [0, 1].map((n) => syntheticDoc(n)).map((d) => planDoc(d.id, d.text));
    server = await startTargetServer({ latencyMs: 0, routes: buildRoutes(docs) });
    const plan = buildFloorPlan(docs, { ...server, ...CREDS }, isRunnable);
    expect(plan.reduce((n, d) => n + d.requests.length, 0)).toBe(4);
    const result = await runFloor(plan, 2, 3);
    expect(result).toEqual({ requests: 4, failures: 0 });
    // 3 go at once, the 4th only after the window has moved on (>= 1,050 ms later, far outside 500 ms).
    expect(server.stats().maxInWindow(500)).toBe(3);
  });
});
