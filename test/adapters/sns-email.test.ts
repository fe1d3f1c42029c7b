// The email SNS subscribers read: what happened, the evidence, the docs, the remedy and the run.
import { describe, expect, it } from 'vitest';
import { renderAlertText } from '../../lambda/adapters/sns/email.js';
import { alertForTransition } from '../../lambda/engine/conditions/alert.js';
import type { BusinessAlert, Evidence } from '../../lambda/engine/model.js';
import { flaggedBusiness as flagged, okBusiness as ok } from '../support/alert-fixtures.js';

function must(a: BusinessAlert | undefined): BusinessAlert {
  if (!a) throw new Error('expected an alert');
  return a;
}

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
