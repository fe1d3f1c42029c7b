// Extraction (FORMAT.md §5): JSONPath through jsonpath-plus with its safe evaluator (never native eval).
// A filter yields its first match; a path that matches nothing fails the step.
import { JSONPath } from 'jsonpath-plus';

export type ExtractResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly name: string; readonly error: string };

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Evaluates every extract of a step against a response body; stops at the first miss. */
export function extractAll(extract: Readonly<Record<string, string>>, body: string): ExtractResult {
  const names = Object.keys(extract);
  if (names.length === 0) return { ok: true, values: {} };
  const parsed = parseJson(body);
  const values: Record<string, unknown> = {};
  for (const name of names) {
    const path = extract[name] ?? '';
    if (!parsed)
      return { ok: false, name, error: `extract ${name}: ${path} matched nothing (response is not JSON)` };
    let found: unknown[];
    try {
      found = JSONPath({ path, json: parsed.json as object, wrap: true, eval: 'safe' }) as unknown[];
    } catch (err) {
      return {
        ok: false,
        name,
        error: `extract ${name}: ${path} could not be evaluated (${(err as Error).message})`,
      };
    }
    if (!Array.isArray(found) || found.length === 0 || found[0] === undefined) {
      return { ok: false, name, error: `extract ${name}: ${path} matched nothing` };
    }
    values[name] = found[0];
  }
  return { ok: true, values };
}
