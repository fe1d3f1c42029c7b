// Lambda event filter patterns for the alert Lambda's DynamoDB stream event source: only business
// condition transitions invoke it (INSERT as flagged, MODIFY ok→flagged, MODIFY flagged→ok).
// Plain data: the CDK stack wraps each with `FilterCriteria.filter(pattern)`.

const business = { entity: { S: ['business'] } };
const condition = (value: 'ok' | 'spam_flagged') => ({ condition: { S: [value] } });

export const ALERT_FILTER_PATTERNS: readonly Readonly<Record<string, unknown>>[] = [
  { eventName: ['INSERT'], dynamodb: { NewImage: { ...business, ...condition('spam_flagged') } } },
  {
    eventName: ['MODIFY'],
    dynamodb: { OldImage: condition('ok'), NewImage: { ...business, ...condition('spam_flagged') } },
  },
  {
    eventName: ['MODIFY'],
    dynamodb: { OldImage: condition('spam_flagged'), NewImage: { ...business, ...condition('ok') } },
  },
  // Health items (issue 12): every new version; the handler publishes only the ones holding an alert.
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'HEALTH#' }] } } } },
];
