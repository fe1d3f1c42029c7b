// FORMAT.md §8: a step still answered 429 after the retries allowed ends the doc as `error`,
// "rate limited (429 after N retries)", not `fail` "expected 200, got 429". Real server, real client.
import { describe, expect, it } from 'vitest';
import { doc, run, useFaults } from '../support/run-harness.js';

const faults = useFaults();

const target = () => ({ baseUrl: faults.url, fallbackUrl: faults.url, partnersUrl: faults.url });
const getStep = (path: string, expect = '[200]') =>
  `  - id: s\n    method: GET\n    path: "${path}"\n    expect: { status: ${expect} }`;

describe('429 after the retries allowed', () => {
  it('ends the doc as error "rate limited (429 after 3 retries)", with the token type and status on the step', async () => {
    const out = await run(faults, {
      docs: { 'x/l.md': doc({ test: getStep('/429-then-ok?n=10&retry-after=1') }) },
      target: target(),
    });
    const r = out.docs['x/l.md'];
    expect(r?.outcome).toBe('error');
    expect(r?.reason).toMatch(/rate limited \(429 after 3 retries\)$/);
    expect(r?.reason).not.toMatch(/expected/);
    expect(r?.steps[0]).toMatchObject({ outcome: 'error', status: 429, token: 'staff' });
    expect(faults.hits('/429-then-ok')).toHaveLength(4);
  });

  it('a doc that expects 429 still passes on it', async () => {
    const out = await run(faults, {
      docs: { 'x/l.md': doc({ test: getStep('/429-then-ok?n=10&retry-after=1', '[429]') }) },
      target: target(),
    });
    expect(out.docs['x/l.md']?.outcome).toBe('pass');
  });
});
