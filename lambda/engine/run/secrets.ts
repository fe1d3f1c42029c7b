// Every form in which a token may come back: as written, trimmed (HTTP trims header values), JSON-escaped
// the way Rails/PHP escape (`\/`, `\u0026`), form-encoded in a query string, as a JSON-pointer segment
// (`~0`, `~1`: a body that uses the token as a key puts it in a contract finding's pointer), and — for
// encodings nobody enumerated — each distinctive run of 8+ letters and digits that contains a digit. The
// redactor replaces them all.

const UNICODE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '\\u0026',
  '<': '\\u003c',
  '>': '\\u003e',
  "'": '\\u0027',
};

function jsonForms(t: string): string[] {
  const plain = JSON.stringify(t).slice(1, -1);
  const slash = plain.replace(/\//g, '\\/');
  const uni = (s: string, upper: boolean) =>
    s.replace(/[&<>']/g, (c) => {
      const e = UNICODE_ESCAPES[c] ?? c;
      return upper ? e.toUpperCase().replace('\\U', '\\u') : e;
    });
  return [plain, slash, uni(plain, false), uni(slash, false), uni(plain, true), uni(slash, true)];
}

const formEncoded = (t: string): string => new URLSearchParams({ v: t }).toString().slice(2);

/** RFC 6901: a key as a JSON-pointer segment (Ajv's instancePath). */
const pointerSegment = (t: string): string => t.replace(/~/g, '~0').replace(/\//g, '~1');

/** Distinctive fragments: runs of 8+ letters and digits that hold at least one digit. */
export const fragmentsOf = (t: string): string[] =>
  (t.match(/[A-Za-z0-9]{8,}/g) ?? []).filter((f) => /\d/.test(f));

/** The strings to hand to `createRedactor` for these token values. */
export function secretForms(tokens: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of tokens) {
    if (typeof raw !== 'string') continue;
    for (const t of new Set([raw, raw.trim()])) {
      if (t === '') continue;
      out.add(t);
      for (const f of jsonForms(t)) out.add(f);
      out.add(formEncoded(t));
      out.add(encodeURIComponent(t));
      out.add(pointerSegment(t));
      for (const f of fragmentsOf(t)) out.add(f);
    }
  }
  return [...out];
}
