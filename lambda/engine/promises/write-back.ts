// Writes a passing doc's own record back into its frontmatter (FORMAT.md §10): `verifiedAt` set to the
// run's time and, when promoting, `status: pending` → `status: verified`. Only those lines change, in
// place: quoting, key order, comments, the other lines and the line endings stay byte-identical. The
// doc is found by its path (never by `endpoint`, which several docs share); one whose frontmatter is
// not plain block style is reported, not rewritten.

export interface WriteBackOptions {
  /** ISO time of the run. */
  readonly verifiedAt: string;
  /** A `pending` doc that passed becomes `verified`. */
  readonly promote?: boolean;
}

export type WriteBack =
  | { readonly kind: 'changed'; readonly text: string; readonly changes: readonly string[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly reason: string };

const KEY_LINE = /^(verifiedAt|status)([ \t]*:[ \t]*)(.*?)([ \t]+#.*)?$/;

export function writeBack(text: string, options: WriteBackOptions): WriteBack {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  if (lines[0]?.replace(/^\uFEFF/, '').trimEnd() !== '---')
    return { kind: 'refused', reason: 'no frontmatter (the file does not start with ---)' };
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)[ \t]*$/.test(l));
  if (end < 0) return { kind: 'refused', reason: 'the frontmatter has no closing ---' };
  const body = lines.slice(1, end);
  if (body.some((l) => /^[{[]/.test(l.trim()) && !/^#/.test(l.trim())))
    return { kind: 'refused', reason: 'the frontmatter is in flow style ({...}); edit it by hand' };

  const changes: string[] = [];
  let verifiedIndex = -1;
  let statusIndex = -1;
  for (let i = 1; i < end; i++) {
    const m = KEY_LINE.exec(lines[i] as string);
    if (!m) continue;
    if (m[1] === 'verifiedAt' && verifiedIndex < 0) verifiedIndex = i;
    if (m[1] === 'status' && statusIndex < 0) statusIndex = i;
  }
  if (verifiedIndex >= 0) {
    const line = lines[verifiedIndex] as string;
    const next = replaceValue(line, options.verifiedAt);
    if (next === undefined)
      return { kind: 'refused', reason: `line ${verifiedIndex + 1}: verifiedAt is not a plain value` };
    if (next !== line) {
      lines[verifiedIndex] = next;
      changes.push(`verifiedAt: ${options.verifiedAt}`);
    }
  } else {
    // A new key goes after `status:` (where the corpus keeps it), else at the end of the frontmatter,
    // quoted like the file's other timestamps are.
    const quote = body.some((l) => /^[A-Za-z]\w*:[ \t]*"\d{4}-\d\d-\d\dT/.test(l)) ? '"' : '';
    const at = statusIndex >= 0 ? statusIndex + 1 : end;
    lines.splice(at, 0, `verifiedAt: ${quote}${options.verifiedAt}${quote}`);
    changes.push(`verifiedAt: ${options.verifiedAt} (added)`);
  }
  if (options.promote && statusIndex >= 0) {
    const line = lines[statusIndex] as string;
    const value = unquote(KEY_LINE.exec(line)?.[3] ?? '');
    if (value === 'pending') {
      const next = replaceValue(line, 'verified');
      if (next !== undefined) {
        lines[statusIndex] = next;
        changes.push('status: pending → verified');
      }
    }
  }
  if (changes.length === 0) return { kind: 'unchanged' };
  return { kind: 'changed', text: lines.join(eol), changes };
}

/** The line with its value replaced, keeping the key, spacing, quote style and trailing comment. */
function replaceValue(line: string, value: string): string | undefined {
  const m = KEY_LINE.exec(line);
  if (!m) return undefined;
  const [, key, sep, raw = '', comment = ''] = m;
  const q = raw.startsWith('"') ? '"' : raw.startsWith("'") ? "'" : '';
  if (q && !raw.endsWith(q)) return undefined;
  if (!q && /^[|>&*!]/.test(raw)) return undefined; // block scalars, anchors, tags: not plain
  return `${key}${sep}${q}${value}${q}${comment}`;
}

function unquote(raw: string): string {
  return /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
}
