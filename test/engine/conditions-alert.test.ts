import { describe, expect, it } from 'vitest';
import {
  alertForTransition,
  DEFAULT_REMEDY,
  RECOVERED_REMEDY,
  renderAlertText,
} from '../../lambda/engine/conditions/alert.js';
import type { BusinessAlert, BusinessState, Evidence } from '../../lambda/engine/model.js';

function must(a: BusinessAlert | undefined): BusinessAlert {
  if (!a) throw new Error('expected an alert');
  return a;
}

const flagged: BusinessState = {
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
const ok: BusinessState = {
  businessId: 'biz-7',
  condition: 'ok',
  since: '2026-01-05T00:00:00.000Z',
  affectedDocs: [],
  version: 4,
  runId: 'run-10',
  updatedAt: '2026-01-05T00:00:00.000Z',
};

describe('alertForTransition', () => {
  it('alerts on ok→flagged (and on a business created flagged) with the default remedy', () => {
    const a = alertForTransition(undefined, flagged);
    expect(a).toEqual({
      type: 'business.spam_flagged',
      businessId: 'biz-7',
      since: '2026-01-02T03:04:05.000Z',
      evidence: flagged.evidence,
      affectedDocs: flagged.affectedDocs,
      remedy: DEFAULT_REMEDY,
      runId: 'run-9',
      idempotencyKey: 'biz-7#3',
    });
    expect(alertForTransition({ ...ok, version: 2 }, flagged)?.type).toBe('business.spam_flagged');
  });

  it('alerts on flagged→ok listing the docs that were affected; nothing when the condition holds', () => {
    expect(alertForTransition(flagged, ok)).toEqual({
      type: 'business.recovered',
      businessId: 'biz-7',
      since: '2026-01-05T00:00:00.000Z',
      affectedDocs: flagged.affectedDocs,
      remedy: RECOVERED_REMEDY,
      runId: 'run-10',
      idempotencyKey: 'biz-7#4',
    });
    expect(alertForTransition(flagged, { ...flagged, affectedDocs: ['x.md'] })).toBeUndefined();
    expect(alertForTransition(ok, { ...ok, version: 5 })).toBeUndefined();
    expect(alertForTransition(undefined, ok)).toBeUndefined();
  });
});

describe('renderAlertText', () => {
  it('says what happened, where, the evidence, the docs, the remedy and the run', () => {
    const text = renderAlertText({
      ...must(alertForTransition(undefined, flagged)),
      remedy: 'Line 1\nLine 2',
    });
    expect(text).toBe(
      [
        'Business biz-7 is spam-flagged (or its user is blocked) since 2026-01-02T03:04:05.000Z.',
        'Message creation is rejected with HTTP 422; docs that hit this condition end as blocked until it clears.',
        '',
        'Evidence:',
        '  endpoint: POST /platform/v1/messages',
        '  status:   422',
        '  body:     {"status":"Error","data":{}}',
        '  doc:      communication/post_platform_v1_messages.md (step create_message)',
        '  at:       2026-01-02T03:04:05.000Z',
        '  rule:     spam-flagged-messages',
        '',
        'Affected docs:',
        '  - communication/post_platform_v1_messages.md',
        '  - clients/b.md',
        '',
        'Remedy:',
        '  Line 1',
        '  Line 2',
        '',
        'Run: run-9',
        'Alert id: biz-7#3',
        '',
      ].join('\n'),
    );
  });

  it('renders a recovery and cuts a long evidence body', () => {
    const recovered = renderAlertText(must(alertForTransition(flagged, ok)));
    expect(recovered).toContain('Business biz-7 is no longer spam-flagged since 2026-01-05T00:00:00.000Z.');
    expect(recovered).toContain('Previously affected docs:\n  - communication/post_platform_v1_messages.md');
    expect(recovered).not.toContain('Evidence:');
    const long = { ...flagged, evidence: { ...(flagged.evidence as Evidence), body: 'x'.repeat(2000) } };
    const text = renderAlertText(must(alertForTransition(undefined, long)));
    expect(text).toContain(`  body:     ${'x'.repeat(500)}…\n`);
  });
});
