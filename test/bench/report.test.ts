import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fmt, renderMarkdown, writeJson } from '../../bench/report.js';
import { slope } from '../../bench/workloads/memory.js';

const M = { cpu: 'Test CPU', cpus: 2, node: 'v20.0.0', os: 'linux x64', memoryGb: 8, load: 1.5 };

describe('report', () => {
  it('renders one table row per result, marks misses and escapes pipes', () => {
    const md = renderMarkdown(
      [
        {
          workload: 'w',
          measure: 'wall',
          verifier: '1.00 s',
          floor: '0.90 s',
          ratio: '1.11x',
          target: '≤ 1.10x',
          met: false,
        },
        { workload: 'a|b', measure: 'info', verifier: '3' },
      ],
      M,
      'note.',
    );
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe(
      'Machine: Test CPU, 2 CPUs, 8 GB, linux x64, Node v20.0.0, load average 1.5. note.',
    );
    expect(lines[2]).toBe('| Workload | Measure | Verifier | Floor | Ratio | Target | Met |');
    expect(lines[4]).toBe('| w | wall | 1.00 s | 0.90 s | 1.11x | ≤ 1.10x | **no** |');
    expect(lines[5]).toBe('| a\\|b | info | 3 |  |  |  |  |');
  });

  it('formats units and shows n/a for missing numbers', () => {
    expect(fmt.s(1234)).toBe('1.23 s');
    expect(fmt.ms(1.234, 2)).toBe('1.23 ms');
    expect(fmt.mb(Number.NaN)).toBe('n/a');
    expect(fmt.x(1.1)).toBe('1.10x');
  });

  it('writes the JSON results file into the given folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    try {
      const file = await writeJson(dir, { rows: [1] }, new Date('2026-01-02T03:04:05.678Z'));
      expect(file).toBe(join(dir, 'bench-2026-01-02T03-04-05-678Z.json'));
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ rows: [1] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('slope', () => {
  it('is the least-squares growth per step', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 10 + 2 * x })))).toBeCloseTo(2);
    expect(slope([0, 1, 2].map((x) => ({ x, y: 5 })))).toBe(0);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
  });
});
