// The state table's key design, shared by the DynamoDB store, the CDK stack and the test setup,
// so the three can never disagree.
//
//   pk                     sk                      entity     what
//   RUN#<runId>            RUN                     run        run record (+ gsi1: RUNS / <startedAt>#<runId>)
//   RUN#<runId>            DOC#<seq>#<docId>       result     one doc's result in a run (TTL)
//   DOC#<docId>            STATE                   doc        current state per doc (+ gsi1: DOCS / <domain>#<docId>)
//   BUSINESS#<id>          STATE                   business   business condition (read by the alert Lambda)
//   BUSINESSES             <businessId>            business-index  lets the API list businesses without a scan
//   LOCK#<name>            LOCK                    lock       run lock with a lease
//   HIST#<docId>           <at>#<runId>            history    one result, compact, newest last (TTL)
//   UPTIME#<docId>         <YYYY-MM-DD>            uptime     a doc's counts for one UTC day, ADD updates (TTL)
//   HEALTH#<kind>          <key>                   health     incident / condition / mute record (versioned)
//   ALERT#<runId>          <type>#<idempotencyKey> alert      one run's alert, the outbox the alert Lambda publishes (TTL)
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const STATE_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; history items and run records expire after the retention period. */
  ttlAttribute: 'expiresAt',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/**
 * CreateTable input with the stack's key design, for the DynamoDB-compatible server in tests and the
 * benchmark (the stack itself declares the same keys in lib/constructs/state-tables.ts).
 */
export function stateTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = STATE_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey].map((n) => ({
      AttributeName: n,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.name,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Powertools idempotency's default key attribute. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

export const DEFAULT_RETENTION_DAYS = 30;

export const keys = {
  run: (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' }),
  result: (runId: string, seq: number, doc: string) => ({
    pk: `RUN#${runId}`,
    sk: `DOC#${String(seq).padStart(6, '0')}#${doc}`,
  }),
  doc: (doc: string) => ({ pk: `DOC#${doc}`, sk: 'STATE' }),
  business: (businessId: string) => ({ pk: `BUSINESS#${businessId}`, sk: 'STATE' }),
  businessIndex: (businessId: string) => ({ pk: 'BUSINESSES', sk: businessId }),
  lock: (name: string) => ({ pk: `LOCK#${name}`, sk: 'LOCK' }),
  history: (doc: string, at: string, runId: string) => ({ pk: `HIST#${doc}`, sk: `${at}#${runId}` }),
  uptime: (doc: string, day: string) => ({ pk: `UPTIME#${doc}`, sk: day }),
  health: (kind: string, key: string) => ({ pk: `HEALTH#${kind}`, sk: key }),
  alert: (runId: string, type: string, idempotencyKey: string) => ({
    pk: `ALERT#${runId}`,
    sk: `${type}#${idempotencyKey}`,
  }),
} as const;

export const RUNS_INDEX_PK = 'RUNS';
export const DOCS_INDEX_PK = 'DOCS';
