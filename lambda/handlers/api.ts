// The REST API Lambda (API Gateway, IAM auth): start runs, read runs, doc states and businesses.
// `POST /runs` honours an `Idempotency-Key` header (Powertools idempotency on DynamoDB): the same key
// and body return the same runId and start one run.
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { partitionOf } from '../adapters/dynamodb/partition.js';
import { createDynamoStateStore } from '../adapters/dynamodb/state-store.js';
import { createS3StatusPage } from '../adapters/s3/status-page.js';
import { type ApiConfig, loadApiConfig } from '../config/api.js';
import { METRICS } from '../config/env.js';
import { asHealthStore } from '../engine/health/records.js';
import type { StateStore } from '../engine/ports.js';
import type { DocFilters } from '../engine/target.js';
import { ApiError, header, json, parseOr400, readJsonBody } from './api/http.js';
import { MUTE_ROUTES, routeMutes } from './api/mutes.js';
import {
  GetRunQuerySchema,
  getRun,
  ListDocsQuerySchema,
  ListRunsQuerySchema,
  listRuns,
  type RouteDeps,
  startRun,
  verifierFor,
} from './api/routes.js';
import { RunFiltersBodySchema, toDocFilters } from './api/run-request.js';
import { getStatus, type StatusRouteDeps } from './api/status.js';

export interface ApiHandlerDeps extends RouteDeps, StatusRouteDeps {
  /**
   * The state of a target (its partition of the table): `?target=` on every route, the POST /runs
   * body's `target`. @default - `store` for every target
   */
  readonly storeFor?: (target: string) => StateStore;
  readonly idempotency: BasePersistenceLayer;
  /** How long an Idempotency-Key is remembered. @default 3600 */
  readonly idempotencyTtlSeconds?: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

const ROUTES = [
  'POST /runs',
  'GET /runs',
  'GET /runs/{runId}',
  'GET /docs',
  'GET /businesses',
  'GET /status',
  ...MUTE_ROUTES,
];

export function createApiHandler(deps: ApiHandlerDeps): ApiHandler {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: '[filters, target]',
    expiresAfterSeconds: deps.idempotencyTtlSeconds ?? 3600,
  });
  const startOnce = makeIdempotent(
    (req: { key: string; filters: DocFilters; target?: string }) =>
      startRun(
        deps.storeFor && req.target !== undefined ? { ...deps, store: deps.storeFor(req.target) } : deps,
        req.filters,
        req.target,
      ),
    {
      persistenceStore: deps.idempotency,
      config,
    },
  );

  async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const method = event.httpMethod.toUpperCase();
    // API Gateway's resource template is stable whatever the base path of a custom domain; the raw
    // path is the fallback (tests, proxies).
    const templated = event.resource && !event.resource.includes('{proxy+}') ? event.resource : undefined;
    const path =
      templated === '/runs/{runId}' && event.pathParameters?.runId !== undefined
        ? `/runs/${encodeURIComponent(event.pathParameters.runId)}`
        : (templated ?? event.path).replace(/\/+$/, '') || '/';
    const { target: queryTarget, ...query } = event.queryStringParameters ?? {};
    /** The deps of the target asked for (`?target=`, else the first target's); 400 for an unknown one. */
    const forTarget = (target: string | undefined) => {
      if (!deps.storeFor || target === undefined) return deps;
      verifierFor(deps, target);
      return { ...deps, store: deps.storeFor(target) };
    };
    const scoped = forTarget(queryTarget);
    const runMatch = /^\/runs\/([^/]+)$/.exec(path);

    if (path === '/runs' && method === 'POST') {
      const body = parseOr400(RunFiltersBodySchema, readJsonBody(event), 'run filters');
      const filters = toDocFilters(body);
      const target = body.target;
      const key = header(event, 'idempotency-key');
      if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) {
        throw new ApiError(
          400,
          'invalid Idempotency-Key header: expected 1 to 128 printable ASCII characters',
        );
      }
      const started = key
        ? await startOnce({ key, filters, ...(target !== undefined && { target }) })
        : await startRun(forTarget(target), filters, target);
      return json(202, started);
    }
    if (path === '/runs' && method === 'GET') {
      return json(200, await listRuns(scoped, parseOr400(ListRunsQuerySchema, query, 'query')));
    }
    if (runMatch?.[1] && method === 'GET')
      return json(200, await getRun(scoped, runMatch[1], parseOr400(GetRunQuerySchema, query, 'query')));
    if (path === '/docs' && method === 'GET') {
      const filter = parseOr400(ListDocsQuerySchema, query, 'query');
      return json(200, {
        docs: await scoped.store.listDocStates(filter),
      });
    }
    if (path === '/businesses' && method === 'GET')
      return json(200, { businesses: await scoped.store.listBusinesses() });
    // GET /status reads its own query (its page per target is the status page's business).
    if (path === '/status' && method === 'GET') return getStatus(deps, event.queryStringParameters ?? {});

    if (path === '/mutes' || path.startsWith('/mutes/')) {
      const id = templated === '/mutes/{id}' ? event.pathParameters?.id : undefined;
      const mutePath = id !== undefined ? `/mutes/${encodeURIComponent(id)}` : path;
      const muted = await routeMutes(asHealthStore(scoped.store), event, mutePath, deps.now);
      if (muted) return muted;
    }
    const known =
      path === '/runs' || runMatch || path === '/docs' || path === '/businesses' || path === '/status';
    if (known)
      throw new ApiError(405, `method ${method} is not allowed on ${path}; routes: ${ROUTES.join(', ')}`);
    throw new ApiError(404, `no route for ${method} ${path}; routes: ${ROUTES.join(', ')}`);
  }

  return async (event, context) => {
    if (context) config.registerLambdaContext(context);
    let response: APIGatewayProxyResult;
    try {
      response = await route(event);
    } catch (err) {
      if (err instanceof ApiError) response = json(err.statusCode, { message: err.message });
      else if (err instanceof IdempotencyAlreadyInProgressError) {
        response = json(409, {
          message: 'a request with this Idempotency-Key is already in progress; retry it in a few seconds',
        });
      } else if (err instanceof IdempotencyValidationError) {
        response = json(422, {
          message: 'this Idempotency-Key was already used with different filters; use a new key',
        });
      } else {
        deps.logger.error('request failed', {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        response = json(500, { message: 'internal error; the request was logged' });
      }
    }
    deps.logger.info('request', { method: event.httpMethod, path: event.path, status: response.statusCode });
    deps.metrics.addMetric('ApiRequests', MetricUnit.Count, 1);
    if (response.statusCode >= 500) deps.metrics.addMetric('ApiErrors', MetricUnit.Count, 1);
    deps.metrics.publishStoredMetrics();
    return response;
  };
}

// ------------------------------------------------------------------ composition root (per container)

function fromEnvironment(): ApiHandler {
  const config = loadApiConfig();
  const dynamo = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const storeOf = (target: string | undefined) =>
    createDynamoStateStore({
      client: documents,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
      partition: partitionOf(target),
    });
  // The first target's (VERIFIER_FUNCTIONS keeps the stack's order) answers routes without ?target=.
  const [first] = Object.keys(config.verifierFunctions);
  const stores = new Map<string, StateStore>();
  return createApiHandler({
    store: storeOf(first),
    storeFor: (target) => {
      const known = stores.get(target);
      if (known) return known;
      const store = storeOf(target);
      stores.set(target, store);
      return store;
    },
    lambda: new LambdaClient({}),
    verifierFunctionName: config.verifierFunctionName,
    verifierFunctions: config.verifierFunctions,
    now: () => new Date(),
    idempotency: new DynamoDBPersistenceLayer({
      tableName: config.idempotencyTableName,
      awsSdkV3Client: dynamo,
    }),
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    ...(config.statusBucket && statusPages(config.statusBucket, config)),
    logger: new Logger({ serviceName: METRICS.apiService }),
    metrics: new Metrics({
      namespace: METRICS.namespace,
      serviceName: METRICS.apiService,
      defaultDimensions: { ...config.metricDimensions },
    }),
  });
}

/** Each target's page by name (STATUS_PREFIXES), or the one page of a stack from before targets. */
function statusPages(bucket: string, config: ApiConfig): StatusRouteDeps {
  const client = new S3Client({});
  const named = Object.entries(config.statusPrefixes);
  if (named.length === 0)
    return { statusPage: createS3StatusPage({ client, bucket, prefix: config.statusPrefix }) };
  return {
    statusPages: Object.fromEntries(
      named.map(([target, prefix]) => [target, createS3StatusPage({ client, bucket, prefix })]),
    ),
  };
}

let instance: ApiHandler | undefined;

/** Lambda entry: config and SDK clients are built once, on the first invocation of the container. */
export const handler = (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  instance ??= fromEnvironment();
  return instance(event, context);
};
