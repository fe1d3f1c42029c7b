// Lambda event filter patterns for the alert Lambda's DynamoDB stream event source: only business
// condition transitions (INSERT as flagged, MODIFY ok→flagged, MODIFY flagged→ok) and new outbox
// items (one per alert a run won) invoke it; incident, condition and mute writes do not.
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
  // Outbox items (issues 12, 15): written once per alert by the run's settle step.
  { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['alert'] } } } },
];
