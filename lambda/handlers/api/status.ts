// GET /status: a short-lived presigned URL of the status page in the private bucket (a person with IAM
// access opens it in a browser), or with `?format=json` the data the page was rendered from.
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { S3StatusPage } from '../../adapters/s3/status-page.js';
import { ApiError, json, parseOr400 } from './http.js';

export interface StatusRouteDeps {
  /** @default - GET /status answers 404 (no status bucket configured) */
  readonly statusPage?: Pick<S3StatusPage, 'pageUrl' | 'readData'>;
  /** Lifetime of the presigned URL. @default 300 */
  readonly statusUrlTtlSeconds?: number;
}

export const StatusQuerySchema = z.strictObject({
  format: z.enum(['url', 'json']).default('url'),
});

export async function getStatus(
  deps: StatusRouteDeps,
  query: Record<string, string | undefined>,
): Promise<APIGatewayProxyResult> {
  const { format } = parseOr400(StatusQuerySchema, query, 'query');
  if (!deps.statusPage)
    throw new ApiError(404, 'no status page on this stack: the verifier has no STATUS_BUCKET to write it to');
  if (format === 'json') {
    const data = await deps.statusPage.readData();
    if (data === undefined) throw new ApiError(404, 'no status page yet: it is written after each run');
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: data,
    };
  }
  const ttl = deps.statusUrlTtlSeconds ?? 300;
  return json(200, { url: await deps.statusPage.pageUrl(ttl), expiresInSeconds: ttl });
}
