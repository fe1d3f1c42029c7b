// Runs one workload in a fresh Node child process and measures it from outside (wall time, from spawn
// to exit) and from inside (CPU time and peak RSS, written by the preloaded probe on exit).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The probe sits in bench/ and is found the same way from bench/*.ts and from dist/bench.mjs. */
export const PROBE_PATH = fileURLToPath(new URL('../bench/probe.mjs', import.meta.url));

/** The Node binary every measured child runs on (`--node`); by default the bench's own. */
let nodeBinary = process.execPath;
export function useNodeBinary(path: string): void {
  nodeBinary = path;
}

export interface Measurement {
  readonly code: number | null;
  readonly wallMs: number;
  readonly userMs: number;
  readonly systemMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Node flags placed before the probe and the script (e.g. `--expose-gc`). */
  readonly nodeFlags?: readonly string[];
  /** Called with `performance.now()` just before the child is spawned. */
  readonly onSpawn?: (at: number) => void;
  readonly probePath?: string;
}

/** `node [flags] --import probe <args...>`, measured. Never throws for a non-zero exit. */
export async function measureNode(
  args: readonly string[],
  options: MeasureOptions = {},
): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'verifier-bench-probe-'));
  const out = join(dir, 'probe.json');
  try {
    const nodeArgs = [...(options.nodeFlags ?? []), '--import', options.probePath ?? PROBE_PATH, ...args];
    const start = performance.now();
    options.onSpawn?.(start);
    const child = spawn(nodeBinary, nodeArgs, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), BENCH_PROBE_OUT: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    let wallMs = 0;
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', () => {
        wallMs = performance.now() - start;
      });
      child.once('close', (c) => resolve(c));
    });
    const probe = JSON.parse(await readFile(out, 'utf8').catch(() => '{}')) as {
      userUs?: number;
      systemUs?: number;
      maxRssKb?: number;
    };
    const userMs = (probe.userUs ?? Number.NaN) / 1000;
    const systemMs = (probe.systemUs ?? Number.NaN) / 1000;
    return {
      code,
      wallMs,
      userMs,
      systemMs,
      cpuMs: userMs + systemMs,
      maxRssMb: (probe.maxRssKb ?? Number.NaN) / 1024,
      stdout,
      stderr,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
