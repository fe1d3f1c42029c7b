// The state table (single-table design, see lambda/adapters/dynamodb/schema.ts) and the idempotency
// table shared by the API (Idempotency-Key) and the alert Lambda (one alert per transition).
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, STATE_TABLE } from '../../lambda/adapters/dynamodb/schema.js';

export interface StateTablesProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class StateTables extends Construct {
  readonly state: Table;
  readonly idempotency: Table;

  constructor(scope: Construct, id: string, props: StateTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.state = new Table(this, 'State', {
      partitionKey: { name: STATE_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: STATE_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      // The alert Lambda reads business transitions from the stream (old and new image).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    this.state.addGlobalSecondaryIndex({
      indexName: STATE_TABLE.gsi1.name,
      partitionKey: { name: STATE_TABLE.gsi1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: STATE_TABLE.gsi1.sortKey, type: AttributeType.STRING },
    });

    this.idempotency = new Table(this, 'Idempotency', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.idempotency).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'Idempotency records live at most a day and are recreated on demand; point-in-time recovery buys nothing.',
    });
  }
}
