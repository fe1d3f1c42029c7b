// OpenAPI 3.0 specs for the benchmark's docs (issue 15's contract row): one operation per `METHOD
// path` of the runnable docs' Test Request steps, whose 2xx response schema describes the body the
// bench target returns for it (every key required, types as returned, arrays typed by their first
// item). So every checked response is validated in full, and is valid: the row measures the cost of
// validating, not of reporting drifts. Files are split by the path's first segments, as real specs are.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunnable, type PlanDoc } from './doc-plan.js';
import type { RouteTable } from './routes.js';

/** A JSON schema that the value satisfies, and that checks every key and type it has. */
export function schemaOf(value: unknown, depth = 0): Record<string, unknown> {
  if (value === null) return { nullable: true };
  if (Array.isArray(value))
    return value.length > 0 && depth < 12
      ? { type: 'array', items: schemaOf(value[0], depth + 1) }
      : { type: 'array' };
  if (typeof value === 'object') {
    if (depth >= 12) return { type: 'object' };
    const entries = Object.entries(value as Record<string, unknown>);
    return {
      type: 'object',
      required: entries.map(([k]) => k),
      properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(v, depth + 1)])),
    };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { type: typeof value };
}

/** `/a/{{x}}/b?q=1` → `/a/{p1}/b` (the spec's template). */
function templateOf(path: string): string {
  let n = 0;
  return (path.split('?')[0] ?? '').replace(/\{\{[^}]*\}\}/g, () => `{p${++n}}`);
}

/** The path the target answers for a step (variables filled), to read the body it returns. */
function concrete(path: string): string {
  return (path.split('?')[0] ?? '').replace(/\{\{[^}]*\}\}/g, 'bench_value');
}

export interface BenchSpecs {
  readonly files: number;
  readonly operations: number;
}

/** Writes the specs under `dir` (swagger/bench/<group>.json); returns how many files and operations. */
export async function writeBenchSpecs(
  dir: string,
  plans: readonly PlanDoc[],
  routes: RouteTable,
): Promise<BenchSpecs> {
  const byFile = new Map<string, Record<string, Record<string, unknown>>>();
  let operations = 0;
  for (const doc of plans.filter(isRunnable)) {
    for (const step of doc.steps) {
      if (step.phase !== 'test' || step.status < 200 || step.status > 299) continue;
      const template = templateOf(step.path);
      const answer = routes.match(step.method, concrete(step.path));
      if (!answer || answer.status < 200 || answer.status > 299) continue;
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        continue;
      }
      const group =
        template
          .split('/')
          .filter((s) => s && !s.startsWith('{'))
          .slice(0, 4)
          .join('_')
          .replace(/[^\w-]/g, '_') || 'root';
      const paths = byFile.get(group) ?? {};
      const item = paths[template] ?? {};
      const method = step.method.toLowerCase();
      if (item[method]) continue;
      item[method] = {
        responses: {
          [String(answer.status)]: {
            description: 'as the bench target answers',
            content: { 'application/json': { schema: schemaOf(body) } },
          },
        },
      };
      paths[template] = item;
      byFile.set(group, paths);
      operations++;
    }
  }
  await mkdir(join(dir, 'swagger/bench'), { recursive: true });
  for (const [group, paths] of byFile)
    await writeFile(
      join(dir, 'swagger/bench', `${group}.json`),
      JSON.stringify({ openapi: '3.0.3', info: { title: `bench ${group}`, version: '1' }, paths }),
    );
  return { files: byFile.size, operations };
}
