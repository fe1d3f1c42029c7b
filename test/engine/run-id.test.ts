// Run ids: one shape for the CLI, the scheduled Lambda and the API.
import { describe, expect, it } from 'vitest';
import { newRunId, RUN_ID_PATTERN } from '../../lambda/engine/run/run-id.js';

describe('newRunId', () => {
  it('starts with the time, sorts by it, and is accepted where a run id is handed in', () => {
    const early = newRunId(new Date('2026-01-01T00:00:00.123Z'));
    const late = newRunId(new Date('2026-01-01T00:00:01.000Z'));
    expect(early).toMatch(/^20260101T000000123Z-[0-9a-f]{8}$/);
    expect([late, early].sort()).toEqual([early, late]);
    expect(RUN_ID_PATTERN.test(early)).toBe(true);
  });

  it('differs between runs started in the same millisecond', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 200 }, () => newRunId(now)));
    expect(ids.size).toBe(200);
  });
});
