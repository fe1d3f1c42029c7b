// The REST API: IAM authorization on every method, request validation, throttling, access logs.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  type CfnRestApi,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';
import { METRICS } from '../../lambda/config/env.js';
import { nagEnv } from './nag.js';
import { createNodeFunction } from './node-function.js';

export interface VerifierApiProps {
  readonly stateTable: Table;
  readonly idempotencyTable: Table;
  /** The verifier function of each target, by target name; `POST /runs` starts the first unless told. */
  readonly verifiers: Readonly<Record<string, IFunction>>;
  /** @default 30 */
  readonly retentionDays?: number;
  /** `stack` dimension of the API's metrics. @default - the stack's name */
  readonly stackName?: string;
  /** The bucket the targets' status pages are in: GET /status presigns `<statusPrefix>index.html`. @default - GET /status answers 404 */
  readonly statusBucket?: IBucket;
  /** Status page prefix of each target, by target name. @default - `status/<target>/` */
  readonly statusPrefixes?: Readonly<Record<string, string>>;
  /** Steady-state requests per second. @default 10 */
  readonly throttleRateLimit?: number;
  /** @default 20 */
  readonly throttleBurstLimit?: number;
}

const stringOrList = {
  oneOf: [
    { type: JsonSchemaType.STRING, minLength: 1 },
    { type: JsonSchemaType.ARRAY, items: { type: JsonSchemaType.STRING, minLength: 1 } },
  ],
};

/** API Gateway ends an integration after 29 s: the function must answer before. */
export const API_TIMEOUT = Duration.seconds(29);

export class VerifierApi extends Construct {
  readonly api: RestApi;
  readonly function: NodejsFunction;
  /** `execute-api:Invoke` on the GET routes: read runs, docs, businesses. */
  readonly readerPolicy: ManagedPolicy;
  /** `execute-api:Invoke` on `POST /runs` (and the GET routes): start runs. */
  readonly runnerPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: VerifierApiProps) {
    super(scope, id);
    const fn = createNodeFunction(this, 'Function', {
      handler: 'api',
      description: 'Verifier REST API: start runs, read runs, docs and businesses',
      timeout: API_TIMEOUT,
      environment: {
        RETENTION_DAYS: String(props.retentionDays ?? 30),
        METRICS_STACK: props.stackName ?? Stack.of(scope).stackName,
        POWERTOOLS_SERVICE_NAME: METRICS.apiService,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      },
    });
    this.function = fn;

    fn.addEnvironment('STATE_TABLE_NAME', props.stateTable.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        // DeleteItem: DELETE /mutes/{id} removes a mute (conditional on its version).
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [props.stateTable.tableArn, `${props.stateTable.tableArn}/index/${STATE_TABLE.gsi1.name}`],
      }),
    );
    fn.addEnvironment('IDEMPOTENCY_TABLE_NAME', props.idempotencyTable.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );
    const verifiers = Object.entries(props.verifiers);
    const [first] = verifiers;
    if (!first) throw new Error('VerifierApi: received no verifier, expected one per target');
    // VERIFIER_FUNCTION_NAME: the first target's (what a single-target stack always had).
    fn.addEnvironment('VERIFIER_FUNCTION_NAME', first[1].functionName);
    fn.addEnvironment(
      'VERIFIER_FUNCTIONS',
      Stack.of(this).toJsonString(Object.fromEntries(verifiers.map(([name, f]) => [name, f.functionName]))),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: verifiers.map(([, f]) => f.functionArn),
      }),
    );

    if (props.statusBucket) {
      // GET /status?target=NAME reads that target's page (default: the first target's), presigned
      // GetObject with the function's role.
      const prefixes = props.statusPrefixes ?? {};
      const prefixOf = (target: string) => prefixes[target] ?? `status/${target}/`;
      fn.addEnvironment('STATUS_BUCKET', props.statusBucket.bucketName);
      fn.addEnvironment('STATUS_PREFIX', prefixOf(first[0]));
      fn.addEnvironment(
        'STATUS_PREFIXES',
        JSON.stringify(Object.fromEntries(verifiers.map(([name]) => [name, prefixOf(name)]))),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [props.statusBucket.arnForObjects('status/*')],
        }),
      );
      const bucketId = Stack.of(this).getLogicalId(props.statusBucket.node.defaultChild as CfnBucket);
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/status/*]`,
        reason: 'S3 objects under status/ only: the status pages of every target (read for GET /status).',
      });
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.api = new RestApi(this, 'Api', {
      description: 'Verifier: start runs and read results (IAM auth)',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: props.throttleRateLimit ?? 10,
        throttlingBurstLimit: props.throttleBurstLimit ?? 20,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });

    const integration = new LambdaIntegration(fn);
    const params = new RequestValidator(this, 'ParamsValidator', {
      restApi: this.api,
      validateRequestParameters: true,
    });
    const bodyValidator = new RequestValidator(this, 'BodyValidator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const filtersModel = this.api.addModel('RunFilters', {
      contentType: 'application/json',
      schema: {
        type: JsonSchemaType.OBJECT,
        additionalProperties: false,
        properties: {
          domain: stringOrList,
          tag: stringOrList,
          doc: stringOrList,
          include: {
            oneOf: [
              { type: JsonSchemaType.STRING, enum: ['pending', 'failed'] },
              {
                type: JsonSchemaType.ARRAY,
                items: { type: JsonSchemaType.STRING, enum: ['pending', 'failed'] },
              },
            ],
          },
        },
      },
    });

    const runs = this.api.root.addResource('runs');
    runs.addMethod('POST', integration, {
      requestValidator: bodyValidator,
      requestModels: { 'application/json': filtersModel },
      requestParameters: { 'method.request.header.Idempotency-Key': false },
    });
    runs.addMethod('GET', integration, {
      requestValidator: params,
      requestParameters: { 'method.request.querystring.limit': false },
    });
    runs.addResource('{runId}').addMethod('GET', integration, {
      requestValidator: params,
      requestParameters: { 'method.request.path.runId': true },
    });
    this.api.root.addResource('docs').addMethod('GET', integration, {
      requestValidator: params,
      requestParameters: {
        'method.request.querystring.domain': false,
        'method.request.querystring.outcome': false,
      },
    });
    this.api.root.addResource('businesses').addMethod('GET', integration, { requestValidator: params });
    if (props.statusBucket)
      this.api.root.addResource('status').addMethod('GET', integration, {
        requestValidator: params,
        requestParameters: {
          'method.request.querystring.format': false,
          'method.request.querystring.target': false,
        },
      });

    // Mutes (endpoint health): muted docs still run and record results, they raise no alert.
    const target = { 'method.request.querystring.target': false };
    const mutes = this.api.root.addResource('mutes');
    mutes.addMethod('POST', integration, { requestValidator: bodyValidator, requestParameters: target });
    mutes.addMethod('GET', integration, { requestValidator: params, requestParameters: target });
    mutes.addResource('{id}').addMethod('DELETE', integration, {
      requestValidator: params,
      requestParameters: { 'method.request.path.id': true, ...target },
    });

    // Separate IAM for reading results and starting runs: each route is its own execute-api ARN.
    this.readerPolicy = new ManagedPolicy(this, 'ReaderPolicy', {
      description: 'Verifier API: read runs, docs, businesses and status pages (GET routes)',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [this.api.arnForExecuteApi('GET', '/*', 'v1')],
        }),
      ],
    });
    this.runnerPolicy = new ManagedPolicy(this, 'RunnerPolicy', {
      description: 'Verifier API: start runs (POST /runs), mute and unmute alerts, and read results',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [
            this.api.arnForExecuteApi('POST', '/runs', 'v1'),
            this.api.arnForExecuteApi('POST', '/mutes', 'v1'),
            this.api.arnForExecuteApi('DELETE', '/mutes/*', 'v1'),
            this.api.arnForExecuteApi('GET', '/*', 'v1'),
          ],
        }),
      ],
    });
    const { account, region } = nagEnv(Stack.of(this));
    for (const policy of [this.readerPolicy, this.runnerPolicy])
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${Stack.of(this).getLogicalId(this.api.node.defaultChild as CfnRestApi)}>/v1/GET/*]`,
        reason:
          'Every GET route of this API (runs, runs/{runId}, docs, businesses, status, mutes) is a read: one wildcard over the GET method only.',
      });
    Validations.of(this.runnerPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${Stack.of(this).getLogicalId(this.api.node.defaultChild as CfnRestApi)}>/v1/DELETE/mutes/*]`,
      reason: 'DELETE /mutes/{id}: the wildcard is the mute id, on the one DELETE route of this API.',
    });

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level API Gateway logging role uses the AWS managed policy that only writes CloudWatch Logs.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'IAM authorization and stage throttling guard the API; a WAF web ACL is left to the deployer.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Every method uses AWS_IAM authorization (SigV4), not a Cognito user pool.',
      },
    );
  }
}
