// Reads one steps block (the YAML under `## Prerequisites` or `## Test Request`) into Steps with file lines.
import type * as z from 'zod';
import type { Finding, Phase, Step } from '../model.js';
import { errorAt, quote, warningAt } from './findings.js';
import { rememberLines } from './lines.js';
import type { StepsBlock } from './sections.js';
import { readValidStep } from './step-fast.js';
import { EXPECT_KEYS, EXPECTED, MAX_SLEEP_MS, STEP_KEYS, type StepInput, StepSchema } from './step-schema.js';
import { isPlainObject } from './templates.js';
import { parseYaml } from './yaml-source.js';

const SECTION: Record<Phase, string> = { prerequisite: 'Prerequisites', test: 'Test Request' };

export function parseStepsBlock(
  doc: string,
  block: StepsBlock,
  phase: Phase,
): { steps: Step[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const steps: Step[] = [];
  const where = `## ${SECTION[phase]}`;
  const parsed = parseYaml(block.source, block.firstLine);
  for (const issue of parsed.issues) {
    findings.push(
      errorAt(
        doc,
        issue.line,
        issue.code,
        `${where} steps block: ${issue.message}; fix the YAML so the steps can be read`,
      ),
    );
  }
  if (parsed.issues.length > 0) return { steps, findings };
  const value = parsed.value;
  if (!isPlainObject(value) || !Object.hasOwn(value, 'steps')) {
    findings.push(
      errorAt(
        doc,
        block.firstLine,
        'missing-steps',
        `${where}: the yaml block has no "steps:" list; expected "steps:" followed by "- id: ..." items; add the key or move this YAML out of the section`,
      ),
    );
    return { steps, findings };
  }
  for (const key of Object.keys(value)) {
    if (key !== 'steps') {
      findings.push(
        warningAt(
          doc,
          parsed.lineAt([key]) ?? block.firstLine,
          'unknown-key',
          `${where}: unknown key "${key}" next to "steps"; expected only "steps"; remove it (it is ignored)`,
        ),
      );
    }
  }
  const list = value.steps;
  // `steps:` with nothing under Prerequisites means none; a Test Request must have steps.
  if (phase === 'prerequisite' && (list === null || (Array.isArray(list) && list.length === 0)))
    return { steps, findings };
  if (!Array.isArray(list)) {
    const found = list === null || list === undefined ? 'nothing' : quote(list);
    findings.push(
      errorAt(
        doc,
        parsed.lineAt(['steps']) ?? block.firstLine,
        'missing-steps',
        `${where}: "steps" holds ${found}; expected a list of steps ("- id: ..."); add the steps`,
      ),
    );
    return { steps, findings };
  }
  list.forEach((raw, i) => {
    const line = parsed.lineAt(['steps', i]) ?? block.firstLine;
    const label =
      isPlainObject(raw) && (typeof raw.id === 'string' || typeof raw.id === 'number')
        ? `step "${String(raw.id)}"`
        : `${SECTION[phase]} step ${i + 1}`;
    if (!isPlainObject(raw)) {
      findings.push(
        errorAt(
          doc,
          line,
          'step-schema',
          `${label}: found ${quote(raw)}; expected a map with id, method, path, expect; rewrite the item as "- id: ..."`,
        ),
      );
      return;
    }
    // Key lines are looked up only for findings (js-yaml's recorded starts, else the yaml library).
    const lineOfKey = (...at: (string | number)[]): number => parsed.lineAt(['steps', i, ...at]) ?? line;
    for (const key of Object.keys(raw)) {
      if (!STEP_KEYS.has(key))
        findings.push(
          warningAt(
            doc,
            lineOfKey(key),
            'unknown-key',
            `${label}: unknown key "${key}"; expected one of ${[...STEP_KEYS].join(', ')}; remove it or fix its spelling (it is ignored)`,
          ),
        );
    }
    if (isPlainObject(raw.expect)) {
      for (const key of Object.keys(raw.expect)) {
        if (!EXPECT_KEYS.has(key))
          findings.push(
            warningAt(
              doc,
              lineOfKey('expect', key),
              'unknown-key',
              `${label}: unknown key "expect.${key}"; the verifier checks only expect.status; remove it (it is ignored)`,
            ),
          );
      }
    }
    // A plainly valid step is read without zod (step-fast.ts); zod judges every other one.
    let input = readValidStep(raw);
    if (!input) {
      const result = StepSchema.safeParse(raw);
      if (!result.success) {
        for (const issue of result.error.issues)
          findings.push(schemaFinding(doc, label, raw, issue, lineOfKey));
        return;
      }
      input = result.data;
    }
    if (typeof input.sleep === 'number' && input.sleep > MAX_SLEEP_MS) {
      findings.push(
        errorAt(
          doc,
          lineOfKey('sleep'),
          'sleep-too-long',
          `${label}: sleep ${input.sleep} ms is longer than the ${MAX_SLEEP_MS} ms limit; expected at most ${MAX_SLEEP_MS}; shorten the sleep or split the wait`,
        ),
      );
    }
    const step = toStep(input, phase, line);
    rememberLines(step, (at) => parsed.lineAt(['steps', i, ...at]));
    steps.push(step);
  });
  return { steps, findings };
}

function toStep(input: StepInput, phase: Phase, line: number): Step {
  const status = input.expect?.status;
  return {
    id: input.id,
    description: input.description ?? undefined,
    phase,
    line,
    method: input.method,
    path: input.path,
    token: input.token ?? 'staff',
    params: input.params ?? {},
    body: input.body ?? undefined,
    headers: input.headers ?? {},
    xOnBehalfOf: input.x_on_behalf_of ?? false,
    useFallback: (input.useFallback ?? false) || (input.useFallbackApi ?? false),
    contentType: input.content_type ?? 'json',
    formFields: input.form_fields ?? {},
    fileFields: (input.file_fields ?? []).map((f) => ({
      fieldName: f.field_name,
      filePath: f.file_path,
      filename: f.filename ?? undefined,
      contentType: f.content_type ?? undefined,
    })),
    extract: input.extract ?? {},
    expect: status === null || status === undefined ? [] : Array.isArray(status) ? status : [status],
    onFail: input.onFail ?? 'abort',
    skipReason: input.skipReason ?? undefined,
    sleepMs: Math.min(input.sleep ?? 0, MAX_SLEEP_MS),
  };
}

function schemaFinding(
  doc: string,
  label: string,
  raw: Record<string, unknown>,
  issue: z.core.$ZodIssue,
  lineOfKey: (...at: (string | number)[]) => number,
): Finding {
  const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const top = typeof at[0] === 'string' ? at[0] : '';
  const name = at.join('.') || 'step';
  const found = valueAt(raw, at);
  const foundText = found === undefined ? 'nothing' : quote(found);
  const expected = EXPECTED[top] ?? issue.message;
  const fix = found === undefined ? `add "${name}"` : `fix "${name}"`;
  return errorAt(
    doc,
    lineOfKey(...at),
    'step-schema',
    `${label}: ${name}: found ${foundText}; expected ${expected}; ${fix}`,
  );
}

function valueAt(value: unknown, at: readonly (string | number)[]): unknown {
  let here: unknown = value;
  for (const key of at) {
    if (Array.isArray(here) && typeof key === 'number') here = here[key];
    else if (isPlainObject(here) && Object.hasOwn(here, String(key))) here = here[String(key)];
    else return undefined;
  }
  return here;
}
