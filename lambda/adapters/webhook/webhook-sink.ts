// AlertSink that POSTs the alert JSON to a webhook (`--alert-webhook URL`). A failing or hanging
// webhook is retried once and then reported through onError: it never fails or loses the run.
import type { Alert } from '../../engine/model.js';
import type { AlertSink } from '../../engine/ports.js';
import { Agent, request } from '../http/undici-lite.js';

export interface WebhookAlertSinkOptions {
  readonly url: string;
  /** Per attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** Receives one message per alert that could not be delivered. @default - written to stderr */
  readonly onError?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 5000;
const ATTEMPTS = 2;

/** The URL as it may be shown: a webhook path or query often is the secret, so only the origin. */
export function describeWebhook(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function createWebhookAlertSink(options: WebhookAlertSinkOptions): AlertSink {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const onError = options.onError ?? ((m: string) => process.stderr.write(`${m}\n`));
  const where = describeWebhook(options.url);
  // Its own agent, so a hanging webhook cannot hold connections that the run's requests need.
  const dispatcher = new Agent({ connect: { timeout: timeoutMs }, keepAliveTimeout: 1000 });

  async function attempt(alert: Alert, body: string): Promise<string | undefined> {
    try {
      const res = await request(options.url, {
        method: 'POST',
        dispatcher,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': alert.idempotencyKey,
          'user-agent': 'verifier-alerts',
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump().catch(() => undefined);
      if (res.statusCode >= 200 && res.statusCode < 300) return undefined;
      return `HTTP ${res.statusCode}`;
    } catch (err) {
      return describeError(err, timeoutMs);
    }
  }

  return {
    async publish(alert) {
      let body: string;
      try {
        new URL(options.url);
        body = JSON.stringify(alert);
      } catch (err) {
        onError(`alert webhook ${where}: cannot send ${alert.type} ${alert.idempotencyKey}: ${String(err)}`);
        return;
      }
      const failures: string[] = [];
      for (let i = 0; i < ATTEMPTS; i++) {
        const failure = await attempt(alert, body);
        if (failure === undefined) return;
        failures.push(failure);
      }
      onError(
        `alert webhook ${where}: ${alert.type} ${alert.idempotencyKey} not delivered after ${ATTEMPTS} attempts (${failures.join('; ')})`,
      );
    },
  };
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return `timed out after ${timeoutMs} ms`;
  }
  if (e?.code === 'UND_ERR_CONNECT_TIMEOUT') return `connect timed out after ${timeoutMs} ms`;
  // Codes, not messages: an error message may quote the URL, whose path can be the secret.
  return e?.code ?? e?.name ?? 'request failed';
}
