// The digest Lambda (issue 12, optional `digest` stack prop): invoked on its schedule, it builds the
// digest the CLI's `verifier digest` prints (open incidents, invalid docs, flapping docs, mutes) from
// the state table and publishes it to the alert topic as one `digest` message.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoStateStore } from '../adapters/dynamodb/state-store.js';
import { publishDigest } from '../adapters/sns/digest.js';
import { loadDigestConfig } from '../config/digest.js';
import { buildDigest, type Digest } from '../engine/health/digest.js';
import { asHealthStore } from '../engine/health/records.js';
import { type Clock, type StateStore, systemClock } from '../engine/ports.js';

export interface DigestHandlerDeps {
  readonly store: Pick<StateStore, 'listHealth' | 'listDocStates'>;
  readonly publish: (digest: Digest) => Promise<void>;
  /** @default - the system clock */
  readonly clock?: Clock;
  /** @default - a Powertools Logger with service name `verifier-digest` */
  readonly logger?: Logger;
}

export type DigestHandler = (
  event?: unknown,
) => Promise<{ readonly published: 'digest'; readonly at: string }>;

export function createDigestHandler(deps: DigestHandlerDeps): DigestHandler {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? new Logger({ serviceName: 'verifier-digest' });
  return async () => {
    const at = clock.now().toISOString();
    const digest = await buildDigest(
      { health: asHealthStore(deps.store), listDocStates: (f) => deps.store.listDocStates(f) },
      at,
    );
    // A failed publish throws: the invocation fails and shows in the function's Errors metric.
    await deps.publish(digest);
    logger.info('digest published', {
      openIncidents: digest.openIncidents.length,
      invalidDocs: digest.invalidDocs.length,
      flappingDocs: digest.flappingDocs.length,
      mutes: digest.mutes.length,
    });
    return { published: 'digest', at };
  };
}

let instance: DigestHandler | undefined;

function fromEnvironment(): DigestHandler {
  const config = loadDigestConfig();
  const sns = new SNSClient({});
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return createDigestHandler({
    store: createDynamoStateStore({ client: dynamo, tableName: config.tableName }),
    publish: (d) => publishDigest(sns, config.topicArn, d),
  });
}

export const handler: DigestHandler = (event) => {
  instance ??= fromEnvironment();
  return instance(event);
};
