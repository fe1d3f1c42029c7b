// Business-condition rules (FORMAT.md §9): data, not code paths. A rule names a condition, the
// endpoints it applies to and the response signature. They run before expectations are matched,
// so a doc that lists 422 as expected is still classified.
import * as z from 'zod';

const keyPath = z.string().min(1, 'a body key path such as "data" or "data.auto_reply_message"');

export const conditionRuleSchema = z
  .object({
    name: z.string().min(1),
    condition: z.literal('spam_flagged'),
    /** `"METHOD /path"`; a `{x}` or `{{x}}` segment matches any one segment. */
    endpoints: z
      .array(
        z
          .string()
          .regex(
            /^(GET|POST|PUT|PATCH|DELETE) \/\S*$/,
            'an endpoint "METHOD /path", e.g. "POST /platform/v1/messages"',
          ),
      )
      .min(1),
    status: z.number().int().min(100).max(599),
    body: z
      .object({
        /** Keys (dot paths) that must exist. */
        present: z.array(keyPath).optional(),
        /** Keys that must not exist. */
        absent: z.array(keyPath).optional(),
        /** Keys that must exist and be `{}`, `[]`, `""` or null. */
        empty: z.array(keyPath).optional(),
        /** Keys whose value must equal the given JSON value. */
        equals: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

export type ConditionRule = z.infer<typeof conditionRuleSchema>;

const NOT_SPAM_KEYS = ['error', 'errors', 'message'];

/** The two documented signatures of FORMAT.md §9. */
export const DEFAULT_RULES: readonly ConditionRule[] = [
  {
    name: 'spam-flagged-messages',
    condition: 'spam_flagged',
    endpoints: ['POST /platform/v1/messages'],
    status: 422,
    body: { equals: { status: 'Error' }, empty: ['data'], absent: NOT_SPAM_KEYS },
  },
  {
    name: 'spam-flagged-share-documents-form',
    condition: 'spam_flagged',
    endpoints: ['POST /client_api/v1/portals/{uid}/share_documents_form/submit'],
    status: 422,
    body: { equals: { status: 'Error' }, present: ['data.auto_reply_message'], absent: NOT_SPAM_KEYS },
  },
];

/** What the classifier needs to know about one response. */
export interface ClassifyInput {
  readonly method: string;
  /** The step's path as written (`/portals/{{portal_uid}}/...`). */
  readonly pathTemplate: string;
  /** The path as sent, relative to the base URL; a `?query` is ignored. */
  readonly path: string;
  readonly status: number;
  readonly body: string;
}

/** The first rule whose endpoint and response signature match, else undefined. Pure. */
export function classify(rules: readonly ConditionRule[], r: ClassifyInput): ConditionRule | undefined {
  const candidates = rules.filter((rule) => rule.status === r.status && onEndpoint(rule, r));
  if (candidates.length === 0) return undefined;
  const body = parseJson(r.body);
  if (body === undefined) return undefined;
  return candidates.find((rule) => bodyMatches(rule.body, body));
}

/**
 * A predicate telling whether a step is on any rule's endpoint (e.g. to block docs while a
 * business is flagged). Accepts `(method, path)` or `({ method, path, pathTemplate? })`.
 */
export function ruleEndpoints(
  rules: readonly ConditionRule[],
): (step: string | { method: string; path: string; pathTemplate?: string }, path?: string) => boolean {
  const patterns = rules.flatMap((rule) => rule.endpoints.map(parseEndpoint));
  return (step, path) => {
    const s = typeof step === 'string' ? { method: step, path: path ?? '' } : step;
    const method = s.method.toUpperCase();
    const paths = [s.path, s.pathTemplate].filter((p): p is string => typeof p === 'string');
    return patterns.some((p) => p.method === method && paths.some((x) => segmentsMatch(p.segments, x)));
  };
}

/** Whether `endpoint` ("METHOD /path/{x}") covers this method and path. */
export function matchesEndpoint(endpoint: string, method: string, path: string): boolean {
  const p = parseEndpoint(endpoint);
  return p.method === method.toUpperCase() && segmentsMatch(p.segments, path);
}

function onEndpoint(rule: ConditionRule, r: ClassifyInput): boolean {
  return rule.endpoints.some(
    (e) => matchesEndpoint(e, r.method, r.path) || matchesEndpoint(e, r.method, r.pathTemplate),
  );
}

interface EndpointPattern {
  readonly method: string;
  readonly segments: readonly string[];
}

function parseEndpoint(endpoint: string): EndpointPattern {
  const space = endpoint.indexOf(' ');
  return {
    method: endpoint.slice(0, space).toUpperCase(),
    segments: splitPath(endpoint.slice(space + 1)),
  };
}

function splitPath(path: string): string[] {
  const noQuery = path.split(/[?#]/, 1)[0] ?? '';
  return noQuery.split('/').filter((s) => s.length > 0);
}

const PLACEHOLDER = /^\{\{?[^{}]+\}?\}$/;

function segmentsMatch(pattern: readonly string[], path: string): boolean {
  const actual = splitPath(path);
  if (actual.length !== pattern.length) return false;
  // A pattern placeholder matches any one segment; a template placeholder (`{{x}}` in the step as
  // written) stands for an unknown value, so it only matches a pattern placeholder.
  return pattern.every((p, i) => {
    const a = actual[i] ?? '';
    if (PLACEHOLDER.test(p)) return true;
    return !PLACEHOLDER.test(a) && safeDecode(a) === p;
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

type Lookup = { found: false } | { found: true; value: unknown };

function lookup(body: unknown, keyPath: string): Lookup {
  let cur: unknown = body;
  for (const key of keyPath.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) {
      return { found: false };
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function bodyMatches(sig: ConditionRule['body'], body: unknown): boolean {
  // Every signature describes a JSON object; a bare string, number or array never matches.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  for (const k of sig.present ?? []) if (!lookup(body, k).found) return false;
  for (const k of sig.absent ?? []) if (lookup(body, k).found) return false;
  for (const k of sig.empty ?? []) {
    const l = lookup(body, k);
    if (!l.found || !isEmpty(l.value)) return false;
  }
  for (const [k, want] of Object.entries(sig.equals ?? {})) {
    const l = lookup(body, k);
    if (!l.found || !deepEqual(l.value, want)) return false;
  }
  return true;
}
