// Request-shape checks: unsafe or placeholder paths (FORMAT.md §3, §7), header injection, extract paths (§5).

import { HEADER_NAME, RESERVED_HEADERS } from '../headers.js';
import type { Doc, Finding } from '../model.js';
import { VARIABLE_NAME } from '../names.js';
import { errorAt } from '../parse/findings.js';
import { checkJsonPath } from '../parse/jsonpath-check.js';
import { lineIn } from '../parse/lines.js';

export function lintRequests(doc: Doc): Finding[] {
  const findings: Finding[] = [];
  for (const step of [...doc.prerequisites, ...doc.test]) {
    // Templates are checked as variables; here they stand for one plain segment character.
    const pathProblem = unsafePath(step.path.replace(/\{\{[^{}]*\}\}/g, 'x'));
    if (pathProblem) {
      findings.push(
        errorAt(
          doc.id,
          lineIn(step, ['path']),
          'unsafe-path',
          `step "${step.id}": path ${JSON.stringify(step.path)} ${pathProblem}`,
        ),
      );
    }
    const placeholder = /\{[^{}]*\}/.exec(step.path.replace(/\{\{[^{}]*\}\}/g, ''));
    if (placeholder) {
      const name = placeholder[0].slice(1, -1).trim() || 'name';
      findings.push(
        errorAt(
          doc.id,
          lineIn(step, ['path']),
          'path-placeholder',
          `step "${step.id}": path ${JSON.stringify(step.path)} has a single-brace placeholder ${placeholder[0]} that would be sent literally; expected {{${name}}} with a defined variable; write {{${name}}} and define ${name} as a config param or an earlier extract`,
        ),
      );
    }
    for (const [name, value] of Object.entries(step.headers)) {
      // Read from the YAML only when a finding needs it.
      const line = () => lineIn(step, ['headers', name]);
      if (!HEADER_NAME.test(name)) {
        findings.push(
          errorAt(
            doc.id,
            line(),
            'bad-header',
            `step "${step.id}": header name ${JSON.stringify(name)} is not a valid HTTP header name; expected letters, digits and - only; rename the header`,
          ),
        );
      }
      if (RESERVED_HEADERS.has(name.toLowerCase())) {
        findings.push(
          errorAt(
            doc.id,
            line(),
            'reserved-header',
            `step "${step.id}": header ${name} decides how the request is framed, routed or authenticated, which the verifier controls; expected only application headers such as X-On-Behalf-Of; remove it`,
          ),
        );
      }
      if (value.includes('\r') || value.includes('\n') || value.includes('\0')) {
        findings.push(
          errorAt(
            doc.id,
            line(),
            'bad-header',
            `step "${step.id}": header ${name} has a line break or NUL in its value, which could inject headers; expected a single-line value; remove the line break`,
          ),
        );
      }
    }
    for (const [name, path] of Object.entries(step.extract)) {
      const line = () => lineIn(step, ['extract', name]);
      if (!VARIABLE_NAME.test(name)) {
        findings.push(
          errorAt(
            doc.id,
            line(),
            'bad-extract',
            `step "${step.id}": extract name ${JSON.stringify(name)} cannot be used as {{${name}}}; expected letters, digits and underscores; rename it`,
          ),
        );
      }
      const why = checkJsonPath(path);
      if (why) {
        findings.push(
          errorAt(
            doc.id,
            line(),
            'bad-extract',
            `step "${step.id}": extract ${name}: ${JSON.stringify(path)} is not a JSONPath (${why}); expected a path such as "$.data.clients[0].id" or "$.data.items[?(@.name == 'x')].uid"; ${extractFix(path)}`,
          ),
        );
      }
    }
  }
  return findings;
}

/** Why a path must not be joined to a base URL (ends with how to fix it), or undefined when it is safe. */
export function unsafePath(path: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path))
    return 'is an absolute URL; expected a path starting with "/" that is joined to the target\'s base URL; remove the scheme and host';
  if (path.startsWith('//'))
    return 'starts with "//", which URL parsers read as another host; expected a single leading "/"; remove the extra slash';
  if (!path.startsWith('/'))
    return 'does not start with "/"; expected a path such as "/platform/v1/clients"; add the leading "/"';
  if (path.includes('\\'))
    return 'contains a backslash, which some URL parsers treat as "/"; expected "/" separators only; replace the backslash';
  if (/[\p{Cc}\s]/u.test(path))
    return 'contains whitespace or a control character; expected a single-line path without spaces; percent-encode or remove it';
  const pathOnly = path.split(/[?#]/)[0] ?? path;
  if (
    decodeRepeatedly(pathOnly)
      .split(/[\\/]/)
      .some((seg) => seg === '.' || seg === '..')
  ) {
    return 'contains a "." or ".." segment (possibly percent-encoded, e.g. %2e%2e) that could climb out of the base URL; expected plain path segments; remove the traversal';
  }
  if (pathOnly.includes('@'))
    return 'contains "@" before the query, which can turn the base URL into user-info of another host; expected no "@" in the path; move the value to a query parameter or percent-encode it as %40';
  return undefined;
}

function extractFix(path: string): string {
  if (path.includes('{{'))
    return 'an extract value names where to read the response, not a variable; write the JSONPath';
  if (path.includes('||'))
    return 'defaults ("||") are not supported; extract one path, and add a separate step if a fallback is needed';
  if (/\|/.test(path))
    return 'pipes ("| [0]") are not supported; index inside the path instead, e.g. "$.data.items[0]"';
  return 'rewrite it as a JSONPath';
}

/** Percent-decodes up to three times, so double-encoded dots are seen too. */
function decodeRepeatedly(text: string): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(out);
    } catch {
      return out;
    }
    if (next === out) return out;
    out = next;
  }
  return out;
}
