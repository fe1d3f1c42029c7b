// What an HTTP header may hold, shared by lint (a doc's headers), the request builder (resolved
// headers) and the HTTP adapter (the last check before undici), so the three never disagree.

/** RFC 9110 token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Visible Latin-1, spaces and tabs: what undici will put on the wire. */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Headers the HTTP client owns (framing, routing, proxy auth): a doc may not set them. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
  'proxy-authorization',
]);
