// `verifier run --write-back`: after the run, each doc that passed gets its frontmatter record
// (`verifiedAt`, and with --promote `status: pending` → `verified`) rewritten in place, found by its
// path under the docs root. Docs that did not pass are never read or written. `--dry-run` prints the
// changed lines and writes nothing; a doc whose frontmatter cannot be edited safely is reported.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBack } from '../lambda/engine/promises/write-back.js';

export interface WriteBackRequest {
  readonly root: string;
  /** Doc ids (paths under root) that passed in this run. */
  readonly passed: readonly string[];
  readonly verifiedAt: string;
  readonly promote: boolean;
  readonly dryRun: boolean;
}

/** Writes back; returns the lines to print. */
export async function writeBackDocs(req: WriteBackRequest): Promise<string[]> {
  const out: string[] = [];
  const changed: string[] = [];
  for (const id of [...req.passed].sort()) {
    const file = join(req.root, ...id.split('/'));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      out.push(`write-back: ${id}: not read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const r = writeBack(text, { verifiedAt: req.verifiedAt, promote: req.promote });
    if (r.kind === 'refused') {
      out.push(`write-back: ${id}: not rewritten: ${r.reason}`);
      continue;
    }
    if (r.kind === 'unchanged') continue;
    changed.push(id);
    if (req.dryRun) out.push(...lineDiff(id, text, r.text));
    else await writeFile(file, r.text, 'utf8');
  }
  const verb = req.dryRun ? 'would change' : 'changed';
  out.push(
    `write-back: ${verb} ${changed.length} doc${changed.length === 1 ? '' : 's'}${changed.length ? ':' : ''}`,
  );
  for (const id of changed) out.push(`  ${id}`);
  return out;
}

/**
 * A unified-diff-like view of what changed: the lines between the common head and tail (write-back
 * only replaces a value or inserts one line, so that span is the change).
 */
export function lineDiff(id: string, before: string, after: string): string[] {
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const a = before.split(eol);
  const b = after.split(eol);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  return [
    `--- a/${id}`,
    `+++ b/${id}`,
    `@@ -${head + 1},${removed.length} +${head + 1},${added.length} @@`,
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
  ];
}
