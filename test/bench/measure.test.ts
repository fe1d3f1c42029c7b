import { describe, expect, it } from 'vitest';
import { measureNode, median } from '../../bench/measure.js';

describe('measureNode', () => {
  it('reports the child exit code, output, its own CPU time and a peak RSS that sees its allocations', async () => {
    const small = await measureNode(['-e', 'process.stdout.write("hi"); process.exitCode = 3']);
    expect(small.code).toBe(3);
    expect(small.stdout).toBe('hi');
    expect(small.cpuMs).toBeGreaterThan(0);
    expect(small.wallMs).toBeGreaterThan(0);
    const big = await measureNode([
      '-e',
      'const b = Buffer.alloc(200 * 1024 * 1024, 1); globalThis.keep = b;',
    ]);
    expect(big.maxRssMb).toBeGreaterThan(small.maxRssMb + 150);
  });
});

describe('median', () => {
  it('takes the middle of odd and even samples and ignores NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });
});
