import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookAlertSink } from '../../lambda/adapters/webhook/webhook-sink.js';
import { spamAlert } from '../support/alert-fixtures.js';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const alert = spamAlert;

let server: Server | undefined;
async function stop(): Promise<void> {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}
afterEach(stop);

/** A webhook that answers each request with the next status in `statuses` ('hang' = never answers). */
async function webhook(statuses: (number | 'hang')[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const s = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      if (s === 'hang') return;
      res.writeHead(s, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/s3cr3t-path`, received };
}

describe('createWebhookAlertSink', () => {
  it('POSTs the alert JSON exactly once with an Idempotency-Key to a 200 webhook', async () => {
    const { url, received } = await webhook([200]);
    const errors: string[] = [];
    await createWebhookAlertSink({ url, onError: (m) => errors.push(m) }).publish(alert);
    expect(errors).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe('POST');
    expect(received[0]?.url).toBe('/hooks/s3cr3t-path');
    expect(received[0]?.headers['idempotency-key']).toBe('biz-1#1');
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual(alert);
  });

  it('retries once after a 500 and reports, without throwing, when both attempts fail', async () => {
    const { url, received } = await webhook([500]);
    const errors: string[] = [];
    await expect(
      createWebhookAlertSink({ url, onError: (m) => errors.push(m) }).publish(alert),
    ).resolves.toBe(undefined);
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['biz-1#1', 'biz-1#1']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      'business.spam_flagged biz-1#1 not delivered after 2 attempts (HTTP 500; HTTP 500)',
    );
    expect(errors[0]).not.toContain('s3cr3t');
  });

  it('delivers on the retry when the first attempt answers 503', async () => {
    const { url, received } = await webhook([503, 204]);
    const errors: string[] = [];
    await createWebhookAlertSink({ url, onError: (m) => errors.push(m) }).publish(alert);
    expect(received).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('times out a hanging webhook, retries once, reports and returns', async () => {
    const { url, received } = await webhook(['hang']);
    const errors: string[] = [];
    await createWebhookAlertSink({ url, timeoutMs: 150, onError: (m) => errors.push(m) }).publish(alert);
    expect(received).toHaveLength(2);
    expect(errors).toEqual([
      expect.stringContaining(
        'not delivered after 2 attempts (timed out after 150 ms; timed out after 150 ms)',
      ),
    ]);
  });

  it('reports a refused connection without quoting the secret URL path', async () => {
    const { url } = await webhook([200]);
    await stop();
    const errors: string[] = [];
    await createWebhookAlertSink({ url, timeoutMs: 500, onError: (m) => errors.push(m) }).publish(alert);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^alert webhook http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(errors[0]).not.toContain('s3cr3t');
  });
});
