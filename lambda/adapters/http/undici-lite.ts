// undici's Agent and request() without undici's index. Why the deep imports: the index loads fetch,
// WebSocket, EventSource, the cache stores, mock agents and every interceptor (about 520 KB of the
// Lambda bundle, none of it used here); the Agent and the request API (plus the errors module they
// load anyway) are about 290 KB, half of it the llhttp WASM parser. undici is pinned in
// package-lock.json, so these paths are stable; test/adapters/undici-lite.test.ts fails if an
// upgrade moves them. Types: undici-deep.d.ts (the public undici types).
import type { Dispatcher, Agent as UndiciAgent } from 'undici';
import dispatchRequest from 'undici/lib/api/api-request.js';
import errors from 'undici/lib/core/errors.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';

/** undici's Agent (the same class as `import { Agent } from 'undici'`). */
export const Agent = AgentClass;
export type Agent = UndiciAgent;

/** As undici's own `request(url, options)`: the URL gives origin and path, the method may be left out. */
export type LiteRequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  readonly method?: Dispatcher.HttpMethod;
  readonly dispatcher: Dispatcher;
  /**
   * Called as the request is written to its socket (undici's `onConnect`, just before the headers go
   * out): after any wait for a free connection or a new connection's handshake. Again on a retry.
   */
  readonly onWritten?: () => void;
};

/**
 * What undici's top-level `request(url, { dispatcher, ... })` does: split the URL into origin and
 * path (an http: or https: URL only) and let the dispatcher send it. A method defaults as there:
 * PUT with a body, GET without.
 */
export async function request(
  url: string | URL,
  options: LiteRequestOptions,
): Promise<Dispatcher.ResponseData> {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new errors.InvalidArgumentError(
      'Invalid URL protocol: the URL must start with `http:` or `https:`.',
    );
  }
  const { dispatcher, onWritten, ...opts } = options;
  const target = onWritten ? watchWrites(dispatcher, onWritten) : dispatcher;
  return dispatchRequest.call(target as Dispatcher, {
    ...opts,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: opts.method ?? (opts.body ? 'PUT' : 'GET'),
  });
}

type Handler = Dispatcher.DispatchHandler & { onConnect?: (...args: unknown[]) => unknown };

/** The dispatcher, with each request's handler telling `onWritten` when the request hits its socket. */
function watchWrites(dispatcher: Dispatcher, onWritten: () => void): Pick<Dispatcher, 'dispatch'> {
  return {
    dispatch(opts, handler) {
      const h = handler as Handler;
      const onConnect = h.onConnect;
      h.onConnect = function (this: Handler, ...args) {
        onWritten();
        return onConnect?.apply(this, args);
      };
      return dispatcher.dispatch(opts, handler);
    },
  };
}
