// The run request shared by the API (`POST /runs` body) and the verifier (async invocation event).
import * as z from 'zod';
import { RUN_ID_PATTERN } from '../../engine/run/run-id.js';
import type { DocFilters } from '../../engine/target.js';

const oneOrMany = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));
const includeValue = z.enum(['pending', 'failed']);

/** `POST /runs` body: every field optional, each a string or a list of strings. */
export const RunFiltersBodySchema = z.strictObject({
  domain: oneOrMany.optional(),
  tag: oneOrMany.optional(),
  doc: oneOrMany.optional(),
  include: z
    .union([includeValue, z.array(includeValue).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  /** The target to run against (its name in the stack). @default - the first target */
  target: z.string().min(1).max(64).optional(),
});

export function toDocFilters(body: z.infer<typeof RunFiltersBodySchema>): DocFilters {
  return {
    ...(body.domain && { domains: body.domain }),
    ...(body.tag && { tags: body.tag }),
    ...(body.doc && { docs: body.doc }),
    ...(body.include && { include: body.include }),
  };
}

export const DocFiltersSchema = z.strictObject({
  domains: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  docs: z.array(z.string()).optional(),
  include: z.array(includeValue).optional(),
});

/** What the verifier Lambda is invoked with: `{}` from the schedule, `{ runId, filters }` from the API. */
export const VerifyEventSchema = z.looseObject({
  runId: z.string().regex(RUN_ID_PATTERN).optional(),
  trigger: z.string().max(40).optional(),
  filters: DocFiltersSchema.optional(),
  /** The stack's auth-matrix schedule sends `mode: "auth-matrix"`; `authMatrix` names the mode outright. */
  mode: z.enum(['auth-matrix']).optional(),
  authMatrix: z.enum(['off', 'get', 'all']).optional(),
});
export type VerifyEvent = z.infer<typeof VerifyEventSchema>;

/**
 * The auth matrix for this run: the event's `authMatrix`, else the auth-matrix schedule's
 * `mode: "auth-matrix"` (AUTH_MATRIX when it names get or all, else get), else AUTH_MATRIX (default off).
 */
export function authMatrixFor(
  event: Pick<VerifyEvent, 'mode' | 'authMatrix'>,
  configured: 'off' | 'get' | 'all' = 'off',
): 'off' | 'get' | 'all' {
  if (event.authMatrix) return event.authMatrix;
  if (event.mode === 'auth-matrix') return configured === 'off' ? 'get' : configured;
  return configured;
}
