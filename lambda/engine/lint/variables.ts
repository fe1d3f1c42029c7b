// Variable checks (FORMAT.md §4): every {{name}} must be defined by a config param, a run-time value or
// generator, or an extract of an EARLIER step of the same doc; unsupported expressions are errors.
import type { Doc, Finding, Step } from '../model.js';
import { ENGINE_NAMES } from '../names.js';
import { errorAt } from '../parse/findings.js';
import { lineIn } from '../parse/lines.js';
import { type Pointer, templatesIn, walkStrings } from '../parse/templates.js';

/** The parts of a step that are sent, and so may carry templates. */
function templatedParts(step: Step): [string, unknown][] {
  return [
    ['path', step.path],
    ['params', step.params],
    ['body', step.body],
    ['headers', step.headers],
    ['form_fields', step.formFields],
    ['file_fields', step.fileFields.map((f) => ({ file_path: f.filePath, filename: f.filename }))],
  ];
}

export function lintVariables(doc: Doc, paramNames: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const steps = [...doc.prerequisites, ...doc.test];
  const defined = new Set<string>([...paramNames, ...ENGINE_NAMES]);
  steps.forEach((step, index) => {
    const seen = new Set<string>();
    for (const [part, value] of templatedParts(step)) {
      walkStrings(value, (text, at) => {
        if (!text.includes('{{') && !text.includes('}}')) return;
        const where: Pointer = [part, ...at];
        // The line (read from the YAML only when a finding needs it) also dedupes: one finding per
        // template per line.
        let line: number | undefined;
        const lineOf = () => {
          line ??= lineIn(step, where);
          return line;
        };
        const field = fieldName(where);
        for (const t of templatesIn(text)) {
          if (t.supported && defined.has(t.name)) continue;
          const key = `${lineOf()}\u0000${t.raw}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (!t.supported) {
            findings.push(
              errorAt(
                doc.id,
                lineOf(),
                'unsupported-expression',
                `step "${step.id}": unsupported expression ${t.raw} in ${field}: only plain names such as {{client_uid}} are supported; ${expressionFix(t.name)}`,
              ),
            );
          } else {
            findings.push(
              errorAt(
                doc.id,
                lineOf(),
                'unresolved-variable',
                `step "${step.id}": unknown variable ${t.raw} in ${field}: no config param, run-time value or earlier extract defines it; ${unresolvedFix(t.name, step, steps.slice(index + 1))}`,
              ),
            );
          }
        }
        const rest = text.replace(/\{\{[^{}]*\}\}/g, '');
        if (rest.includes('{{') || rest.includes('}}')) {
          findings.push(
            errorAt(
              doc.id,
              lineOf(),
              'malformed-template',
              `step "${step.id}": unbalanced braces in ${field} (${JSON.stringify(text.slice(0, 60))}): the text would be sent literally; expected {{name}} with both pairs of braces; close or remove the braces`,
            ),
          );
        }
      });
    }
    for (const name of Object.keys(step.extract)) defined.add(name);
  });
  return findings;
}

function fieldName(at: Pointer): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function expressionFix(name: string): string {
  if (name.startsWith('config.params.'))
    return `write {{${name.slice('config.params.'.length)}}} instead (config params are used by their plain name)`;
  if (name.includes('|'))
    return 'filters such as "| slice" are not supported; use the plain {{name}} or a generator such as {{unique_id}}';
  if (name === '') return 'remove the empty {{}} or put a variable name in it';
  if (name.includes('.')) {
    return `dotted names are not supported; extract the value in an earlier step (extract: { ${name.split('.').pop() ?? 'value'}: "$.data.uid" }) and use the plain name`;
  }
  return 'rename it to a plain name (letters, digits, underscores) defined by a config param or an earlier extract';
}

function unresolvedFix(name: string, step: Step, later: readonly Step[]): string {
  if (Object.hasOwn(step.extract, name))
    return `this step extracts ${name} only after its own request; extract it in an earlier step`;
  const producer = later.find((s) => Object.hasOwn(s.extract, name));
  if (producer) return `it is extracted by the later step "${producer.id}"; move that step before this one`;
  return 'define it in the tokens file params or extract it in an earlier step';
}
