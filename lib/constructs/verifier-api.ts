// The REST API: IAM authorization on every method, request validation, throttling, access logs.
import { Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';
import { METRICS } from '../../lambda/config/env.js';
import { createNodeFunction } from './node-function.js';

export interface VerifierApiProps {
  readonly stateTable: Table;
  readonly idempotencyTable: Table;
  readonly verifier: IFunction;
  /** @default 30 */
  readonly retentionDays?: number;
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

export class VerifierApi extends Construct {
  readonly api: RestApi;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: VerifierApiProps) {
    super(scope, id);
    const fn = createNodeFunction(this, 'Function', {
      handler: 'api',
      description: 'Verifier REST API: start runs, read runs, docs and businesses',
      environment: {
        RETENTION_DAYS: String(props.retentionDays ?? 30),
        POWERTOOLS_SERVICE_NAME: METRICS.apiService,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      },
    });
    this.function = fn;

    fn.addEnvironment('STATE_TABLE_NAME', props.stateTable.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
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
    fn.addEnvironment('VERIFIER_FUNCTION_NAME', props.verifier.functionName);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.verifier.functionArn] }),
    );

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
