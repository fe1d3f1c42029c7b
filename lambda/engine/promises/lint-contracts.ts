// Lint with `--openapi`: does each Test Request step's operation live where the doc's `swagger:` field
// says? Real fields are often wrong or missing, so the run looks everywhere; lint says where it found it.
import type { Doc, Finding } from '../model.js';
import { warningAt } from '../parse/findings.js';
import { matchOperation, type OperationIndex } from './operations.js';

export function lintContracts(docs: readonly Doc[], index: OperationIndex): Finding[] {
  const files = new Set(index.operations.map((o) => o.spec.file));
  const findings: Finding[] = [];
  for (const doc of docs) {
    const swagger = typeof doc.frontmatter.swagger === 'string' ? doc.frontmatter.swagger : undefined;
    for (const step of doc.test) {
      const where = `step "${step.id}": ${step.method} ${step.path}`;
      const op = matchOperation(index, step.method, step.path, swagger);
      if (!op) {
        findings.push(
          warningAt(
            doc.id,
            step.line,
            'operation-unknown',
            `${where} is in no spec under --openapi; expected an operation for it; add it to the spec or fix the path (its response is not checked)`,
          ),
        );
        continue;
      }
      if (swagger === op.spec.file) continue;
      const named = !swagger
        ? 'the doc has no swagger: field'
        : files.has(swagger)
          ? `the swagger: file ${swagger} does not have it`
          : `the swagger: file ${swagger} does not exist`;
      findings.push(
        warningAt(
          doc.id,
          step.line,
          'swagger-elsewhere',
          `${where} matches ${op.method} ${op.template} in ${op.spec.file}, but ${named}; set swagger: "${op.spec.file}"`,
        ),
      );
    }
  }
  return findings;
}
