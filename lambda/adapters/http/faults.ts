// Maps undici / socket errors to the port's HttpFault kinds. An HTTP status is never a fault.
import { HttpFault, type HttpFaultKind } from '../../engine/ports.js';

const BY_CODE: Readonly<Record<string, HttpFaultKind>> = {
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
};

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in BY_CODE) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `[GET] "http://host/x": timeout after 30000 ms` (ofetch style). */
export function toFault(
  err: unknown,
  where: { method: string; url: string },
  state: { timedOut: boolean; timeoutMs: number; callerAborted: boolean },
): HttpFault {
  if (err instanceof HttpFault) return err;
  const prefix = `[${where.method}] "${where.url}"`;
  if (state.timedOut) {
    return new HttpFault('timeout', `${prefix}: timeout after ${state.timeoutMs} ms`, { cause: err });
  }
  const code = codeOf(err);
  if (code) {
    const kind = BY_CODE[code] ?? 'other';
    const what = kind === 'timeout' ? `timeout after ${state.timeoutMs} ms` : `${kind} error (${code})`;
    return new HttpFault(kind, `${prefix}: ${what}`, { cause: err });
  }
  if (state.callerAborted) return new HttpFault('aborted', `${prefix}: aborted`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new HttpFault('other', `${prefix}: ${message}`, { cause: err });
}
