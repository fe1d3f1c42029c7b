// The HttpClient port on undici: keep-alive pooling per origin (one Agent), a run-wide rate cap,
// a per-request timeout covering slow headers and slow bodies, a response body cap, redirects
// returned as responses (never followed, so Authorization never travels), 429 retries and one
// retry of a GET after a timeout or connection error.
import type { Dispatcher } from 'undici';
import { HEADER_NAME, HEADER_VALUE } from '../../engine/headers.js';
import {
  type HttpClient,
  HttpFault,
  type HttpRequest,
  type HttpResponse,
  systemClock,
} from '../../engine/ports.js';
import { DEFAULTS } from '../../engine/target.js';
import { toFault } from './faults.js';
import { encodeMultipart } from './multipart.js';
import { createRateCap } from './rate-cap.js';
import { backoffMs, retryAfterMs } from './retry-after.js';
import { Agent, request } from './undici-lite.js';

export interface UndiciHttpClientOptions {
  /** Per attempt, headers and body included. @default DEFAULTS.timeoutMs */
  readonly timeoutMs?: number;
  /** Requests per second across everything this client sends; 0 = no cap. @default DEFAULTS.rps */
  readonly rps?: number;
  /** Body bytes kept per response; the rest is drained and discarded. @default DEFAULTS.maxBodyBytes */
  readonly maxBodyBytes?: number;
  /** Bytes read past the cap to keep the connection reusable; beyond that the connection is dropped. @default 16 MB */
  readonly maxDrainBytes?: number;
  /** Retries of a 429. @default 3 */
  readonly max429Retries?: number;
  /** A 429 asking to wait longer than this is returned as it is. @default 60000 */
  readonly maxRetryWaitMs?: number;
  /** Injected for tests (records waits); @default systemClock.sleep */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** @default a keep-alive Agent owned (and closed) by this client */
  readonly dispatcher?: Dispatcher;
}

export interface UndiciHttpClient extends HttpClient {
  close(): Promise<void>;
}

/** The name of the first header HTTP cannot carry, if any (never the value: it may be a token). */
export function unsendableHeader(headers: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return name;
  }
  return undefined;
}

const TRANSPORT_RETRY = new Set(['timeout', 'connect', 'reset', 'dns']);

/**
 * Reads a response body, keeping the first `maxBody` bytes. Up to `maxDrain` bytes past that are read
 * and dropped so the connection can be reused; beyond that the body is destroyed (the connection
 * closes). Stream events, not `for await`: the async iterator costs a promise per chunk.
 */
function readBody(
  body: Dispatcher.ResponseData['body'],
  maxBody: number,
  maxDrain: number,
): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let seen = 0;
    const done = () => {
      body.off('data', onData);
      // A late error (the socket dies after the last byte) must not become an uncaught exception.
      body.off('error', reject).on('error', () => {});
      resolve({ text: Buffer.concat(kept, keptBytes).toString('utf8'), truncated: seen > maxBody });
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (keptBytes < maxBody) {
        const take = chunk.length <= maxBody - keptBytes ? chunk : chunk.subarray(0, maxBody - keptBytes);
        kept.push(take);
        keptBytes += take.length;
      }
      if (seen > maxBody + maxDrain) {
        body.off('end', done);
        done();
        body.destroy();
      }
    };
    body.on('data', onData);
    body.once('end', done);
    body.once('error', reject);
  });
}

export function createUndiciHttpClient(options: UndiciHttpClientOptions = {}): UndiciHttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBody = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const maxDrain = options.maxDrainBytes ?? 16 * 1024 * 1024;
  const max429 = options.max429Retries ?? 3;
  const maxWait = options.maxRetryWaitMs ?? 60_000;
  const sleep = options.sleep ?? systemClock.sleep;
  const ownAgent = options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const cap = createRateCap(options.rps ?? DEFAULTS.rps);

  async function once(
    req: HttpRequest,
    signal: AbortSignal | undefined,
    written: () => void,
  ): Promise<HttpResponse> {
    // Checked before undici sees the request: undici rejects such a header only after it has taken a
    // connection slot, which it then never gives back (enough of them and the pool hangs for good).
    const unsendable = unsendableHeader(req.headers);
    if (unsendable) {
      throw new HttpFault('other', `header ${JSON.stringify(unsendable)} holds characters HTTP cannot carry`);
    }
    const started = performance.now();
    const ac = new AbortController();
    const state = { timedOut: false, timeoutMs, callerAborted: false };
    const timer = setTimeout(() => {
      state.timedOut = true;
      ac.abort(new Error(`timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => {
      state.callerAborted = true;
      ac.abort(signal?.reason);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { ...req.headers };
    let body: string | Buffer | undefined;
    if (req.body?.kind === 'json') body = req.body.text;
    else if (req.body?.kind === 'multipart') {
      const mp = encodeMultipart(req.body.parts);
      headers['content-type'] = mp.contentType;
      body = mp.body;
    }
    try {
      const res = await request(req.url, {
        dispatcher,
        onWritten: written,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: ac.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const { text, truncated } = await readBody(res.body, maxBody, maxDrain);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      return {
        status: res.statusCode,
        headers: out,
        body: text,
        truncated,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      throw toFault(err, req, state);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async send(req, signal) {
      let retries429 = 0;
      let transportRetried = false;
      for (;;) {
        let res: HttpResponse;
        try {
          res = await cap((written) => once(req, signal, written));
        } catch (err) {
          const fault =
            err instanceof HttpFault
              ? err
              : toFault(err, req, { timedOut: false, timeoutMs, callerAborted: false });
          // Only a GET is repeated: any other method may already have created data.
          if (
            req.method === 'GET' &&
            !transportRetried &&
            TRANSPORT_RETRY.has(fault.kind) &&
            !signal?.aborted
          ) {
            transportRetried = true;
            continue;
          }
          throw fault;
        }
        if (res.status !== 429) return res;
        if (retries429 >= max429) return { ...res, retries429 };
        const wait = retryAfterMs(res.headers['retry-after'], Date.now()) ?? backoffMs(retries429);
        if (wait > maxWait) return { ...res, retries429 };
        retries429++;
        try {
          await sleep(wait, signal);
        } catch (err) {
          throw toFault(err, req, { timedOut: false, timeoutMs, callerAborted: true });
        }
      }
    },
    async close() {
      await ownAgent?.close();
    },
  };
}
