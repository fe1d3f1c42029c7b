// `--verbose`: every request the run sends and the answer it got, written as one block when the answer
// arrives (so concurrent docs never interleave), redacted like everything else the CLI prints.
import type { HttpClient, HttpRequest, HttpResponse, RequestBody } from '../lambda/engine/ports.js';
import type { Redactor } from '../lambda/engine/redact.js';
import { printable } from './console-summary.js';

/** Body characters shown per request or response; the rest is counted, not printed. */
export const VERBOSE_BODY_CHARS = 2048;

const cut = (text: string): string =>
  text.length > VERBOSE_BODY_CHARS
    ? `${text.slice(0, VERBOSE_BODY_CHARS)}… (${text.length - VERBOSE_BODY_CHARS} more characters)`
    : text;

function bodyText(body: RequestBody | undefined): string | undefined {
  if (!body) return undefined;
  if (body.kind === 'json') return body.text;
  return body.parts
    .map((p) =>
      'value' in p
        ? `${p.name}=${p.value}`
        : `${p.name}: file ${p.filename} (${p.contentType}, ${p.data.length} bytes)`,
    )
    .join('\n');
}

export function describeExchange(
  request: HttpRequest,
  outcome: { response: HttpResponse } | { error: Error },
  redactor: Redactor,
): string {
  const lines = [`> ${request.method} ${redactor.text(request.url)}`];
  for (const [k, v] of Object.entries(redactor.headers(request.headers))) lines.push(`> ${k}: ${v}`);
  const sent = bodyText(request.body);
  if (sent !== undefined)
    lines.push(
      '>',
      ...cut(redactor.text(sent))
        .split('\n')
        .map((l) => `> ${l}`),
    );
  if ('error' in outcome) {
    lines.push(`< no answer: ${redactor.text(outcome.error.message)}`);
  } else {
    const r = outcome.response;
    lines.push(`< ${r.status} (${Math.round(r.durationMs)} ms)`);
    for (const [k, v] of Object.entries(redactor.headers(r.headers))) lines.push(`< ${k}: ${v}`);
    if (r.body !== '') {
      const more = r.truncated ? ' (cut at the response size cap)' : '';
      lines.push('<', ...`${cut(redactor.text(r.body))}${more}`.split('\n').map((l) => `< ${l}`));
    }
  }
  return `${printable(lines.join('\n'))}\n`;
}

/** Wraps a client so that each exchange is written to `write`, redacted. */
export function withVerboseLog(
  http: HttpClient,
  redactor: Redactor,
  write: (text: string) => void,
): HttpClient {
  return {
    async send(request, signal) {
      try {
        const response = await http.send(request, signal);
        write(describeExchange(request, { response }, redactor));
        return response;
      } catch (err) {
        write(describeExchange(request, { error: err as Error }, redactor));
        throw err;
      }
    },
  };
}

/** Wraps a client so that aborting `stop` aborts every request in flight (a second Ctrl-C). */
export function withAbort(http: HttpClient, stop: AbortSignal): HttpClient {
  return {
    send: (request, signal) => http.send(request, signal ? AbortSignal.any([signal, stop]) : stop),
  };
}
