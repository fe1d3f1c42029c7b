// Strict resolution on top of the shared template engine: an unknown name or an unsupported
// expression is an error (the doc is invalid), never literal braces sent to the API.
import { findTemplates, resolveTemplates } from '../parse/templates.js';
import type { Resolve } from './build-request.js';
import type { Scope } from './variables.js';

const LEFTOVER = /\{\{/;

function containsBraces(value: unknown): boolean {
  if (typeof value === 'string') return LEFTOVER.test(value);
  if (Array.isArray(value)) return value.some(containsBraces);
  if (value && typeof value === 'object') return Object.values(value).some(containsBraces);
  return false;
}

/** Names used by a value's templates (supported ones only). */
export function namesUsed(value: unknown): string[] {
  return findTemplates(value)
    .filter((t) => t.supported)
    .map((t) => t.name);
}

export function createResolve(scope: Scope): Resolve {
  return (value) => {
    const templates = findTemplates(value);
    // Nothing to resolve (most headers and params): the value is used as written, not copied.
    if (templates.length === 0) {
      return containsBraces(value) ? { error: 'a resolved value still contains "{{"' } : { value };
    }
    for (const t of templates) {
      if (!t.supported) return { error: `unsupported expression ${t.raw} (only {{name}} is supported)` };
      if (!scope.lookup(t.name)) return { error: `unknown variable {{${t.name}}}` };
    }
    const resolved = resolveTemplates(value, (name) => {
      const hit = scope.lookup(name);
      return hit ? { found: true, value: hit.value } : { found: false };
    });
    if (containsBraces(resolved)) return { error: 'a resolved value still contains "{{"' };
    return { value: resolved };
  };
}
