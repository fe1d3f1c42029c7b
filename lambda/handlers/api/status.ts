// GET /status: a short-lived presigned URL of a target's status page in the private bucket (a person
// with IAM access opens it in a browser), or with `?format=json` the data the page was rendered from.
// Each target writes its page under its own prefix; `?target=NAME` picks one (default: the first).
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { S3StatusPage } from '../../adapters/s3/status-page.js';
import { ApiError, json, parseOr400 } from './http.js';

export type StatusPageReader = Pick<S3StatusPage, 'pageUrl' | 'readData'>;

export interface StatusRouteDeps {
  /**
   * Each target's status page, by target name, in the stack's target order (the first answers a
   * request without `?target`). @default - only `statusPage`
   */
  readonly statusPages?: Readonly<Record<string, StatusPageReader>>;
  /** The page of a stack whose targets are not named (one page). @default - GET /status answers 404 */
  readonly statusPage?: StatusPageReader;
  /** Lifetime of the presigned URL. @default 300 */
  readonly statusUrlTtlSeconds?: number;
}

export const StatusQuerySchema = z.strictObject({
  format: z.enum(['url', 'json']).default('url'),
  target: z.string().min(1).max(64).optional(),
});

/** The page of `target` (the first target's when none is named); 404 naming the known targets. */
function pageFor(deps: StatusRouteDeps, target: string | undefined): StatusPageReader {
  const pages = Object.entries(deps.statusPages ?? {});
  if (pages.length === 0 && !deps.statusPage)
    throw new ApiError(404, 'no status page on this stack: the verifier has no STATUS_BUCKET to write it to');
  if (target === undefined) return (pages[0]?.[1] ?? deps.statusPage) as StatusPageReader;
  const page = pages.find(([name]) => name === target)?.[1];
  if (page) return page;
  const known = pages.map(([name]) => `"${name}"`).join(', ');
  throw new ApiError(
    404,
    `no status page for target "${target}": ${known ? `the targets are ${known}` : 'this stack has one target; omit target'}`,
  );
}

export async function getStatus(
  deps: StatusRouteDeps,
  query: Record<string, string | undefined>,
): Promise<APIGatewayProxyResult> {
  const { format, target } = parseOr400(StatusQuerySchema, query, 'query');
  const page = pageFor(deps, target);
  if (format === 'json') {
    const data = await page.readData();
    if (data === undefined)
      throw new ApiError(
        404,
        `no status page yet${target ? ` for target "${target}"` : ''}: it is written after each run`,
      );
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: data,
    };
  }
  const ttl = deps.statusUrlTtlSeconds ?? 300;
  return json(200, { url: await page.pageUrl(ttl), expiresInSeconds: ttl });
}
