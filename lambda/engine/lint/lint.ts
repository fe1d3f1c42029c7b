// Static checks of parsed docs (FORMAT.md §2-§7). The runner calls lintDoc before running a doc: any error
// finding makes the doc invalid with no request sent, so errors are exactly what makes a doc unrunnable.
import type { Doc, Finding, ParsedDoc, Step } from '../model.js';
import { DOCUMENTED_PARAMS } from '../names.js';
import { errorAt, warningAt } from '../parse/findings.js';
import { lineIn } from '../parse/lines.js';
import { fallbackEndpoints, reliesOnImplicitFallback } from '../run/routing.js';
import { lintRequests } from './requests.js';
import { lintVariables } from './variables.js';

export interface LintContext {
  /** Config param names of the target (the tokens file's `params` keys). */
  readonly paramNames: ReadonlySet<string>;
  /** `METHOD /path` of the docs in the same run with `useFallbackApi: true` (see `fallbackEndpoints`). */
  readonly fallbackEndpoints: ReadonlySet<string>;
  /**
   * Only the checks that can find an error (what makes a doc invalid): the runner needs no warnings.
   * Parse findings are kept either way. @default false
   */
  readonly errorsOnly?: boolean;
}

/** The parse findings of one doc plus every static check, ordered by line. */
export function lintDoc(parsed: ParsedDoc, ctx: LintContext): Finding[] {
  const findings: Finding[] = [...parsed.findings];
  const doc = parsed.doc;
  if (doc) {
    try {
      findings.push(...lintVariables(doc, ctx.paramNames), ...lintRequests(doc));
      // Consistency checks only warn.
      if (!ctx.errorsOnly) findings.push(...lintConsistency(doc, ctx));
    } catch (err) {
      // A doc the checks cannot walk must not run: report it rather than throw into the runner.
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      findings.push(
        errorAt(
          parsed.id,
          1,
          'lint-failed',
          `the doc could not be checked (${why}); expected a doc built by parseDoc; report this as a verifier bug`,
        ),
      );
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** Lints docs that run together: the cross-doc fallback check sees all of them. */
export function lintDocs(
  parsed: readonly ParsedDoc[],
  opts: { paramNames?: Iterable<string> } = {},
): Finding[] {
  const ctx: LintContext = {
    paramNames: new Set(opts.paramNames ?? DOCUMENTED_PARAMS),
    fallbackEndpoints: fallbackEndpoints(parsed.map((p) => p.doc)),
  };
  return parsed.flatMap((p) => lintDoc(p, ctx));
}

/** Warnings only (lintDoc skips these checks when asked for errors only): no errorAt here. */
function lintConsistency(doc: Doc, ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  for (const step of [...doc.prerequisites, ...doc.test]) {
    const first = seen.get(step.id);
    if (first !== undefined) {
      findings.push(
        warningAt(
          doc.id,
          step.line,
          'duplicate-step-id',
          `step "${step.id}": the id is already used by the step on line ${first}; expected ids unique within the doc so reports can name the step; rename one of them`,
        ),
      );
    } else {
      seen.set(step.id, step.line);
    }
    findings.push(...ignoredFields(doc, step));
    if (reliesOnImplicitFallback(doc, step, ctx.fallbackEndpoints)) {
      findings.push(
        warningAt(
          doc.id,
          step.line,
          'implicit-fallback',
          `step "${step.id}": ${step.method} ${step.path} goes to the fallback URL only because another doc with that endpoint has useFallbackApi: true; expected the routing to be explicit; add "useFallback: true" to this step`,
        ),
      );
    }
  }
  const outcome = doc.expectedOutcome ?? [];
  const last = doc.test.at(-1);
  if (outcome.length > 0 && last) {
    const accepted = new Set(
      doc.test.flatMap((s) => (s.expect.length > 0 ? s.expect : [200, 201, 202, 204])),
    );
    const missing = outcome.filter((s) => !accepted.has(s));
    if (missing.length > 0) {
      const expects = doc.test
        .map((s) => (s.expect.length > 0 ? `[${s.expect.join(', ')}]` : 'any 2xx'))
        .join(', ');
      findings.push(
        warningAt(
          doc.id,
          last.line,
          'expected-outcome-mismatch',
          `expectedOutcome ${missing.join(', ')} is not accepted by any Test Request step (expect.status ${expects}); expected the documented outcome to match what the steps check; add ${missing.join(', ')} to expect.status or correct expectedOutcome`,
        ),
      );
    }
  }
  return findings;
}

/** Fields the author wrote that the runner will not use as written. */
function ignoredFields(doc: Doc, step: Step): Finding[] {
  const out: Finding[] = [];
  const at = (key: string) => lineIn(step, [key]);
  if (step.phase === 'test' && step.onFail !== 'abort') {
    out.push(
      warningAt(
        doc.id,
        at('onFail'),
        'ignored-field',
        `step "${step.id}": onFail: ${step.onFail} on a Test Request step has no effect; expected onFail only on prerequisites (a failing test step fails the doc); remove it or move the step to ## Prerequisites`,
      ),
    );
  }
  if (step.method === 'GET' && step.body !== undefined && step.body !== null) {
    out.push(
      warningAt(
        doc.id,
        at('body'),
        'ignored-field',
        `step "${step.id}": a GET step has a body, which is never sent; expected query values under params; move them to params or remove the body`,
      ),
    );
  }
  const multipartFields = Object.keys(step.formFields).length > 0 || step.fileFields.length > 0;
  if (step.contentType === 'json' && multipartFields) {
    out.push(
      warningAt(
        doc.id,
        at(step.fileFields.length > 0 ? 'file_fields' : 'form_fields'),
        'ignored-field',
        `step "${step.id}": form_fields/file_fields are only sent with content_type: multipart; expected content_type: multipart; add it or move the values to body`,
      ),
    );
  }
  if (step.contentType === 'multipart' && step.body !== undefined && step.body !== null) {
    out.push(
      warningAt(
        doc.id,
        at('body'),
        'ignored-field',
        `step "${step.id}": a multipart step sends form_fields and file_fields, not body; expected the values under form_fields; move them there`,
      ),
    );
  }
  return out;
}
