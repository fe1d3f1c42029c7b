import { describe, expect, it } from 'vitest';
import {
  alertForTransition,
  DEFAULT_REMEDY,
  RECOVERED_REMEDY,
} from '../../lambda/engine/conditions/alert.js';
import { flaggedBusiness as flagged, okBusiness as ok } from '../support/alert-fixtures.js';

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
