// Alert delivery under faults: a retried webhook delivery carries the same Idempotency-Key and body
// (the receiver can drop the copy), a failing webhook never fails the run, and no later run sends the
// same transition again.
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { createWebhookAlertSink } from '../../lambda/adapters/webhook/webhook-sink.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { runWith, tempDir, useFaultTarget } from './harness.js';

const t = useFaultTarget({ slowMs: 1000 });
afterEach(() => t.fs.reset());

const DOCS = {
  'communication/post_platform_v1_messages.md': docWithStep(
    okStep('send', {
      method: 'POST',
      path: '/platform/v1/messages',
      body: { message: { text: 'hi' } },
      expect: { status: [201] },
    }),
    'endpoint: "POST /platform/v1/messages"\ndomain: communication\nstatus: verified\n',
  ),
};

async function runWithWebhook(url: string, dir: string, timeoutMs = 2000) {
  const errors: string[] = [];
  const alerts = createWebhookAlertSink({ url, timeoutMs, onError: (m) => errors.push(m) });
  const out = await runWith(
    { docs: DOCS, baseUrl: t.fs.url, http: t.http, alerts },
    createLocalStateStore({ dir }),
  );
  return { out, errors };
}

describe('alert delivery', () => {
  it('retries a failed delivery with the same Idempotency-Key and body, so the receiver keeps one alert', async () => {
    const { out, errors } = await runWithWebhook(`${t.fs.url}/429-then-ok?n=1`, await tempDir());
    expect(out.docs[0]?.outcome).toBe('blocked');
    const posts = t.fs.hits('/429-then-ok');
    expect(posts).toHaveLength(2);
    expect(new Set(posts.map((p) => p.headers['idempotency-key']))).toEqual(new Set(['biz-1#1']));
    expect(posts[1]?.body).toBe(posts[0]?.body);
    expect(JSON.parse(posts[0]?.body ?? '{}')).toMatchObject({
      type: 'business.spam_flagged',
      idempotencyKey: 'biz-1#1',
    });
    expect(errors).toEqual([]);
  });

  it('resends a delivery that timed out after the receiver got it with the same key (dedupe downstream)', async () => {
    const { out, errors } = await runWithWebhook(`${t.fs.url}/slow-headers?ms=1000`, await tempDir(), 200);
    expect(out.result.summary.blocked).toBe(1);
    const posts = t.fs.hits('/slow-headers');
    expect(posts.length).toBe(2);
    expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('finishes the run when the webhook keeps failing, and no later run sends the transition again', async () => {
    const dir = await tempDir();
    const first = await runWithWebhook(`${t.fs.url}/status/503`, dir);
    expect(first.out.result.summary).toMatchObject({ total: 1, blocked: 1 });
    expect(first.errors).toHaveLength(1);
    expect(t.fs.hits('/status/503')).toHaveLength(2);
    t.fs.reset();
    const second = await runWithWebhook(`${t.fs.url}/ok`, dir);
    expect(second.out.result.summary).toMatchObject({ total: 1, blocked: 1 });
    expect(t.fs.hits('/ok')).toHaveLength(0);
    expect(second.out.events.filter((e) => e.type === 'alert')).toEqual([]);
  });
});
