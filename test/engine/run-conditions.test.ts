// FORMAT.md §9 in the runner: classify before expectations, re-probe to confirm, blocked outcome,
// business state and alerts (never failing the run), pending docs never alert.

import { describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { isHealthAlert } from '../../lambda/engine/health/types.js';
import type { BusinessAlert } from '../../lambda/engine/model.js';
import type { AlertSink } from '../../lambda/engine/ports.js';
import { isAuthAlert } from '../../lambda/engine/promises/auth-alerts.js';
import { doc, run, tempDir, useApi } from '../support/run-harness.js';

const api = useApi();

const SPAM = { status: 422, body: { status: 'Error', data: {} } };
const messages = (status = 'verified') =>
  doc({
    front: `endpoint: "POST /platform/v1/messages"\ndomain: communication\nstatus: ${status}`,
    test: '  - id: create_message\n    method: POST\n    path: "/platform/v1/messages"\n    body: { message: { text: "hi" } }\n    expect: { status: [201] }',
    extra: '\n## Known Issues\n\n### Spam\n\n**Fix**: Create a fresh business with the setup script.\n',
  });

function recordingSink(): AlertSink & { alerts: BusinessAlert[] } {
  const alerts: BusinessAlert[] = [];
  return {
    alerts,
    publish: async (a) => {
      if (!isHealthAlert(a) && !isAuthAlert(a)) alerts.push(a);
    },
  };
}

describe('business conditions', () => {
  it('confirms a spam-flagged answer with one re-probe, blocks the doc and alerts once', async () => {
    api.handler = () => SPAM;
    const sink = recordingSink();
    const out = await run(api, { docs: { 'communication/m.md': messages() }, alerts: sink });
    const r = out.docs['communication/m.md'];
    expect(r?.outcome).toBe('blocked');
    expect(r?.steps[0]?.condition).toEqual({
      condition: 'spam_flagged',
      rule: 'spam-flagged-messages',
      confirmed: true,
    });
    expect(api.received.filter((x) => x.method === 'POST')).toHaveLength(2);
    expect(out.clock.sleeps).toEqual([500]);
    expect(out.result.businesses).toEqual([
      expect.objectContaining({ businessId: 'biz-1', condition: 'spam_flagged' }),
    ]);
    expect(sink.alerts).toHaveLength(1);
    expect(sink.alerts[0]).toMatchObject({
      type: 'business.spam_flagged',
      businessId: 'biz-1',
      runId: 'run-1',
    });
    expect(sink.alerts[0]?.evidence).toMatchObject({
      doc: 'communication/m.md',
      stepId: 'create_message',
      status: 422,
    });
    expect(out.alerts).toEqual(sink.alerts);
  });

  it('treats a single unconfirmed match as an ordinary step result', async () => {
    let n = 0;
    api.handler = () => (n++ === 0 ? SPAM : { status: 201, body: { status: 'OK', data: { id: 1 } } });
    const out = await run(api, { docs: { 'communication/m.md': messages() } });
    expect(out.docs['communication/m.md']?.outcome).toBe('pass');
    expect(out.docs['communication/m.md']?.steps[0]?.condition?.confirmed).toBe(false);
    expect(out.result.businesses).toEqual([]);
  });

  it('classifies before expectations: a documented 422 still blocks', async () => {
    api.handler = () => ({ status: 422, body: { status: 'Error', data: { auto_reply_message: 'Thanks' } } });
    const d = doc({
      front:
        'endpoint: "POST /client_api/v1/portals/{uid}/share_documents_form/submit"\ndomain: clients\nstatus: verified',
      test: '  - id: submit\n    method: POST\n    path: "/client_api/v1/portals/{{business_uid}}/share_documents_form/submit"\n    body: { a: 1 }\n    expect: { status: [200, 422] }',
    });
    const out = await run(api, {
      docs: { 'clients/share.md': d },
      params: { business_id: 'biz-1', business_uid: 'p1' },
    });
    expect(out.docs['clients/share.md']?.outcome).toBe('blocked');
  });

  it('is not fooled by other 422 bodies', async () => {
    api.handler = () => ({ status: 422, body: { status: 'Error', error: 'Unauthorized' } });
    const out = await run(api, { docs: { 'communication/m.md': messages() } });
    expect(out.docs['communication/m.md']?.outcome).toBe('fail');
    expect(api.received).toHaveLength(1);
  });

  it('never raises an alert or changes the business for a pending doc', async () => {
    api.handler = () => SPAM;
    const sink = recordingSink();
    const out = await run(api, {
      docs: { 'communication/m.md': messages('pending') },
      options: { filters: { include: ['pending'] } },
      alerts: sink,
    });
    expect(out.docs['communication/m.md']?.outcome).toBe('blocked');
    expect(sink.alerts).toEqual([]);
    expect(out.result.businesses).toEqual([]);
  });

  it('recovers the business when a later run passes on the rule endpoint', async () => {
    const store = createLocalStateStore({ dir: await tempDir() });
    api.handler = () => SPAM;
    await run(api, { docs: { 'communication/m.md': messages() }, store });
    api.handler = () => ({ status: 201, body: { status: 'OK', data: { id: 1 } } });
    const sink = recordingSink();
    const out = await run(api, {
      docs: { 'communication/m.md': messages() },
      store,
      alerts: sink,
      options: { runId: 'run-2' },
    });
    expect(out.result.businesses).toEqual([
      expect.objectContaining({ businessId: 'biz-1', condition: 'ok' }),
    ]);
    expect(sink.alerts.map((a) => a.type)).toEqual(['business.recovered']);
  });

  it('never fails the run when alert delivery throws', async () => {
    api.handler = () => SPAM;
    const out = await run(api, {
      docs: { 'communication/m.md': messages() },
      alerts: {
        publish: async () => {
          throw new Error('webhook down');
        },
      },
    });
    expect(out.result.summary.blocked).toBe(1);
    expect(out.events).toContainEqual({ type: 'warning', message: 'alert delivery failed: webhook down' });
  });
});
