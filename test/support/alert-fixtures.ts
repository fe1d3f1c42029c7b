// The spam-flag evidence and alert the sink and alert-handler tests share.
import type { BusinessAlert, BusinessState, Evidence } from '../../lambda/engine/model.js';

export const spamEvidence: Evidence = {
  doc: 'communication/post_platform_v1_messages.md',
  stepId: 'create_message',
  endpoint: 'POST /platform/v1/messages',
  status: 422,
  body: '{"status":"Error","data":{}}',
  at: '2026-01-01T00:00:00.000Z',
  rule: 'spam-flagged-messages',
};

export const spamAlert: BusinessAlert = {
  type: 'business.spam_flagged',
  businessId: 'biz-1',
  since: '2026-01-01T00:00:00.000Z',
  evidence: spamEvidence,
  affectedDocs: ['communication/post_platform_v1_messages.md'],
  remedy: 'Create a fresh business.',
  runId: 'run-1',
  idempotencyKey: 'biz-1#1',
};

/** A business flagged by run-9, and the same business recovered by run-10. */
export const flaggedBusiness: BusinessState = {
  businessId: 'biz-7',
  condition: 'spam_flagged',
  since: '2026-01-02T03:04:05.000Z',
  evidence: {
    doc: 'communication/post_platform_v1_messages.md',
    stepId: 'create_message',
    endpoint: 'POST /platform/v1/messages',
    status: 422,
    body: '{"status":"Error","data":{}}',
    at: '2026-01-02T03:04:05.000Z',
    rule: 'spam-flagged-messages',
  },
  affectedDocs: ['communication/post_platform_v1_messages.md', 'clients/b.md'],
  version: 3,
  runId: 'run-9',
  updatedAt: '2026-01-02T03:04:05.000Z',
};
export const okBusiness: BusinessState = {
  businessId: 'biz-7',
  condition: 'ok',
  since: '2026-01-05T00:00:00.000Z',
  affectedDocs: [],
  version: 4,
  runId: 'run-10',
  updatedAt: '2026-01-05T00:00:00.000Z',
};
