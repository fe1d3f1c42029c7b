// The spam-flag evidence and alert the sink and alert-handler tests share.
import type { BusinessAlert, Evidence } from '../../lambda/engine/model.js';

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
