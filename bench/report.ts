// Renders benchmark results: a markdown table for stdout (and the README) and a JSON file with the
// raw samples under bench-results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Row {
  readonly workload: string;
  readonly measure: string;
  readonly verifier: string;
  readonly floor?: string;
  readonly ratio?: string;
  readonly target?: string;
  /** undefined: informational, no target. */
  readonly met?: boolean;
}

export interface Machine {
  readonly cpu: string;
  readonly cpus: number;
  readonly node: string;
  readonly os: string;
  readonly memoryGb: number;
  /** 1-minute load average when the report was made: how busy the machine was (noise). */
  readonly load: number;
}

/** `node`: the version the measured children ran on, when not the bench's own. */
export function machine(node = process.version): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    node,
    os: `${platform()} ${arch()}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    load: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}

export const fmt = {
  s: (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a'),
  ms: (ms: number, digits = 0) => (Number.isFinite(ms) ? `${ms.toFixed(digits)} ms` : 'n/a'),
  mb: (mb: number) => (Number.isFinite(mb) ? `${mb.toFixed(1)} MB` : 'n/a'),
  x: (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a'),
  n: (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a'),
};

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|');

/** The markdown table, preceded by the machine line. */
export function renderMarkdown(rows: readonly Row[], m: Machine, note: string): string {
  const lines = [
    `Machine: ${m.cpu}, ${m.cpus} CPUs, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, load average ${m.load}. ${note}`,
    '',
    '| Workload | Measure | Verifier | Floor | Ratio | Target | Met |',
    '|---|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.workload)} | ${cell(r.measure)} | ${cell(r.verifier)} | ${cell(r.floor)} | ${cell(r.ratio)} | ${cell(r.target)} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes `bench-results/bench-<timestamp>.json`; returns its path. */
export async function writeJson(dir: string, data: unknown, at = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
