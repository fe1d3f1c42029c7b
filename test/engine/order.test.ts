// byText: the order every sorted list and report uses, the same on every machine whatever its locale.
import { describe, expect, it } from 'vitest';
import { byText } from '../../lambda/engine/order.js';
import { summarizeByDomain } from '../../lambda/engine/report/summary.js';

describe('byText', () => {
  it('orders by UTF-16 code unit, as the default sort does, not by locale', () => {
    const words = ['b', 'é', 'B', 'a', 'Z', 'a-b', 'a_b', '2026-11-25T10:00:00Z', '2026-11-25T09:00:00Z'];
    const sorted = [...words].sort(byText);
    expect(sorted).toEqual([...words].sort());
    // localeCompare would give a, a_b, a-b, b, B, é, Z (or similar, depending on the machine).
    expect(sorted).toEqual([
      '2026-11-25T09:00:00Z',
      '2026-11-25T10:00:00Z',
      'B',
      'Z',
      'a',
      'a-b',
      'a_b',
      'b',
      'é',
    ]);
    expect(byText('x', 'x')).toBe(0);
  });

  it('is the order of the summary by domain', () => {
    const result = (domain: string) => ({
      doc: `${domain}/d.md`,
      domain,
      outcome: 'pass' as const,
      steps: [],
      startedAt: '',
      durationMs: 0,
    });
    const domains = [...summarizeByDomain([result('beta'), result('Zeta'), result('alpha')]).keys()];
    // Capitals first, as in every other list the verifier sorts (localeCompare: alpha, beta, Zeta).
    expect(domains).toEqual(['Zeta', 'alpha', 'beta']);
  });
});
