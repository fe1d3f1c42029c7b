// The shared StateStore contract, run against the DynamoDB store on dynalite (a fresh table each test).
import { createDynamoStateStore } from '../../lambda/adapters/dynamodb/state-store.js';
import { describeStateStoreContract } from '../contract/state-store.contract.js';
import { createDocumentClient, createDynamoClient, createStateTable } from '../support/aws-services.js';

const raw = createDynamoClient();
const client = createDocumentClient(raw);

describeStateStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = await createStateTable(raw);
  return {
    store: createDynamoStateStore({ client, tableName }),
    reopen: () => createDynamoStateStore({ client, tableName }),
  };
});
