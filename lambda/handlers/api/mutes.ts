// API routes for mutes (issue 12): POST /mutes, GET /mutes, DELETE /mutes/{id}. The same rules as
// `verifier mute`: exactly one scope, exactly one of `for` and `until`.
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { buildMute, isActive, MuteError, parseDuration } from '../../engine/health/mutes.js';
import { type HealthStore, muteSchema, parseRecord } from '../../engine/health/records.js';
import { ApiError, json, parseOr400, readJsonBody } from './http.js';

export const MUTE_ROUTES = ['POST /mutes', 'GET /mutes', 'DELETE /mutes/{id}'];

export const MuteBodySchema = z
  .strictObject({
    doc: z.string().min(1).max(500).optional(),
    domain: z.string().min(1).max(200).optional(),
    tag: z.string().min(1).max(200).optional(),
    all: z.literal(true).optional(),
    for: z.string().min(2).max(20).optional(),
    until: z.string().min(1).max(40).optional(),
    reason: z.string().max(500).optional(),
  })
  .refine((b) => [b.doc, b.domain, b.tag, b.all].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of doc (a glob), domain, tag and all',
  })
  .refine((b) => (b.for === undefined) !== (b.until === undefined), {
    message: 'give exactly one of for (e.g. "2h") and until (an ISO date-time)',
  });

const MUTE_ID = /^mute-[0-9a-f]{8}$/;

/** The response for a mutes route, or undefined when the path is not one. */
export async function routeMutes(
  store: HealthStore,
  event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'body' | 'isBase64Encoded'>,
  path: string,
  now: () => Date,
): Promise<APIGatewayProxyResult | undefined> {
  const method = event.httpMethod.toUpperCase();
  const idMatch = /^\/mutes\/([^/]+)$/.exec(path);
  if (path === '/mutes' && method === 'POST') {
    const b = parseOr400(MuteBodySchema, readJsonBody(event), 'mute');
    const scope = b.doc
      ? ({ kind: 'doc', glob: b.doc } as const)
      : b.domain
        ? ({ kind: 'domain', domain: b.domain } as const)
        : b.tag
          ? ({ kind: 'tag', tag: b.tag } as const)
          : ({ kind: 'all' } as const);
    try {
      const mute = buildMute({
        id: `mute-${randomBytes(4).toString('hex')}`,
        scope,
        at: now(),
        ...(b.for !== undefined ? { forMs: parseDuration(b.for) } : {}),
        ...(b.until !== undefined ? { until: b.until } : {}),
        ...(b.reason ? { reason: b.reason } : {}),
      });
      await store.putHealth('mute', mute.id, mute, 0, mute.createdAt);
      return json(201, mute);
    } catch (err) {
      if (err instanceof MuteError) throw new ApiError(400, err.message);
      throw err;
    }
  }
  if (path === '/mutes' && method === 'GET') {
    const at = now().toISOString();
    const mutes = (await store.listHealth('mute'))
      .map((r) => parseRecord(muteSchema, r))
      .filter((m) => isActive(m, at) || m.from > at);
    return json(200, { mutes });
  }
  if (idMatch?.[1] && method === 'DELETE') {
    const id = decodeURIComponent(idMatch[1]);
    if (!MUTE_ID.test(id))
      throw new ApiError(400, `"${id.slice(0, 60)}" is not a mute id: expected mute-xxxxxxxx`);
    const record = await store.getHealth('mute', id);
    if (!record) throw new ApiError(404, `mute ${id} not found (it may have been removed)`);
    if (!(await store.deleteHealth('mute', id, record.version))) {
      throw new ApiError(409, `mute ${id} changed while removing it; try again`);
    }
    return json(200, { removed: id });
  }
  if (path === '/mutes' || idMatch) {
    throw new ApiError(405, `method ${method} is not allowed on ${path}; routes: ${MUTE_ROUTES.join(', ')}`);
  }
  return undefined;
}
