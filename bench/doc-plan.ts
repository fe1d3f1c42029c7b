// A deliberately small reading of workflow docs for the benchmark only: which requests each doc
// makes, what status it expects and which JSON paths it extracts. The target server answers from it
// and the floor script replays it. It is not the engine's parser and must not become one.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';

export interface PlanStep {
  readonly phase: 'prerequisite' | 'test';
  readonly id: string;
  readonly method: string;
  /** As written, `{{vars}}` unresolved, may embed `?query`. */
  readonly path: string;
  readonly token: string;
  readonly params: Record<string, unknown>;
  readonly body?: unknown;
  readonly fallback: boolean;
  readonly status: number;
  /** variable → JSONPath */
  readonly extract: Record<string, string>;
  readonly sleepMs: number;
}

export interface PlanDoc {
  readonly id: string;
  /** Frontmatter status as written. */
  readonly status: string;
  readonly useFallbackApi: boolean;
  readonly steps: readonly PlanStep[];
}

const RUNNABLE = new Set(['verified', 'success', 'pass']);

/** True when the verifier runs the doc by default (active status, no DELETE step). */
export function isRunnable(doc: PlanDoc): boolean {
  return RUNNABLE.has(doc.status) && doc.steps.length > 0 && !doc.steps.some((s) => s.method === 'DELETE');
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function firstStatus(expect: unknown): number {
  const s = record(expect).status;
  if (typeof s === 'number') return s;
  if (Array.isArray(s) && typeof s[0] === 'number') return s[0];
  return 200;
}

function toStep(raw: unknown, phase: PlanStep['phase']): PlanStep | undefined {
  const r = record(raw);
  if (typeof r.id !== 'string' || typeof r.path !== 'string') return undefined;
  const extract: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(r.extract))) if (typeof v === 'string') extract[k] = v;
  return {
    phase,
    id: r.id,
    method: typeof r.method === 'string' ? r.method.toUpperCase() : 'GET',
    path: r.path,
    token: typeof r.token === 'string' ? r.token : 'staff',
    params: record(r.params),
    body: r.body,
    fallback: r.useFallback === true || r.useFallbackApi === true,
    status: firstStatus(r.expect),
    extract,
    sleepMs: typeof r.sleep === 'number' ? r.sleep : 0,
  };
}

/** The first ```yaml block directly under `## <heading>`, parsed; undefined when absent or broken. */
function stepsUnder(lines: readonly string[], heading: string, phase: PlanStep['phase']): PlanStep[] {
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return [];
  let i = start + 1;
  while (i < lines.length && !lines[i]?.startsWith('```yaml') && !lines[i]?.startsWith('## ')) i++;
  if (i >= lines.length || !lines[i]?.startsWith('```yaml')) return [];
  const end = lines.indexOf('```', i + 1);
  if (end < 0) return [];
  try {
    const steps = record(parse(lines.slice(i + 1, end).join('\n'))).steps;
    if (!Array.isArray(steps)) return [];
    return steps.map((s) => toStep(s, phase)).filter((s): s is PlanStep => s !== undefined);
  } catch {
    return [];
  }
}

/** Reads one doc's text into a plan; never throws (a broken doc yields no steps). */
export function planDoc(id: string, text: string): PlanDoc {
  const lines = text.split(/\r?\n/);
  let front: Record<string, unknown> = {};
  if (lines[0] === '---') {
    const end = lines.indexOf('---', 1);
    try {
      front = record(parse(lines.slice(1, end).join('\n')));
    } catch {
      front = {};
    }
  }
  return {
    id,
    status: typeof front.status === 'string' ? front.status : '',
    useFallbackApi: front.useFallbackApi === true,
    steps: [
      ...stepsUnder(lines, 'Prerequisites', 'prerequisite'),
      ...stepsUnder(lines, 'Test Request', 'test'),
    ],
  };
}

async function listMarkdown(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listMarkdown(p)));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Plans every `*.md` under `root`, ids relative to it with `/` separators, sorted. */
export async function planDocs(root: string): Promise<PlanDoc[]> {
  const files = await listMarkdown(root);
  const docs = await Promise.all(
    files.map(async (f) => planDoc(relative(root, f).split(sep).join('/'), await readFile(f, 'utf8'))),
  );
  return docs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
