// The `## Authentication` table (FORMAT.md §10): which token types a doc says the API accepts, and
// what the others get. Read as data so the auth matrix can re-send steps and compare.
//
//   | Token Type | Works | Notes                                   |
//   | Staff      | ✅    | Requires staff associated with a business |
//   | App        | No    | Returns 400 - no staff/business context   |
//
// Prose-only sections ("Available for **Staff** tokens") are not parsed: there is no table to read.
import type { Finding } from '../model.js';
import { warningAt } from '../parse/findings.js';
import type { AuthRow, AuthTable, Documented } from './auth-types.js';

export type { AuthRow, AuthTable, Documented } from './auth-types.js';

export interface AuthSection {
  readonly line: number;
  readonly lines: readonly string[];
}

const TOKEN_NAMES: Readonly<Record<string, string>> = {
  staff: 'staff',
  app: 'app',
  application: 'app',
  directory: 'directory',
  client: 'client',
  admin: 'admin',
  internal: 'internal',
};

const ACCEPTED = new Set(['yes', 'y', 'true', '✅', '✔', '✔️', '☑️', 'works']);
const REFUSED = new Set(['no', 'n', 'false', '❌', '✖', '✖️', '✗', '⛔', '🚫']);

/** Parses the section's first `Token Type | Works | Notes` table; findings are warnings with lines. */
export function parseAuthTable(
  doc: string,
  section: AuthSection,
): { table?: AuthTable; findings: Finding[] } {
  const findings: Finding[] = [];
  const start = section.lines.findIndex((l) => l.trim().startsWith('|'));
  if (start < 0) return { findings };
  const headerLine = section.line + 1 + start;
  const header = cells(section.lines[start] as string).map((c) => plain(c).toLowerCase());
  const nameCol = header.findIndex((h) => h.includes('token'));
  const worksCol = header.findIndex((h) => h.includes('works') || h.includes('accepted'));
  const notesCol = header.findIndex((h) => h.includes('note'));
  if (nameCol < 0 || worksCol < 0) {
    findings.push(
      warningAt(
        doc,
        headerLine,
        'auth-table-unparsed',
        `the Authentication table's header is ${JSON.stringify(header.join(' | '))}; expected columns "Token Type | Works | Notes"; rename the columns so the auth matrix can read it`,
      ),
    );
    return { findings };
  }
  const rows: AuthRow[] = [];
  for (let i = start + 1; i < section.lines.length; i++) {
    const raw = section.lines[i] as string;
    if (!raw.trim().startsWith('|')) break;
    const row = cells(raw);
    if (row.every((c) => /^:?-{2,}:?$/.test(c.trim()) || c.trim() === '')) continue;
    const line = section.line + 1 + i;
    const name = plain(row[nameCol] ?? '');
    if (!name) {
      findings.push(
        warningAt(
          doc,
          line,
          'auth-table-unparsed',
          'an Authentication table row has no token type; expected a name such as Staff, App or Directory in the first column',
        ),
      );
      continue;
    }
    const tokenType = tokenTypeOf(name);
    if (!tokenType)
      findings.push(
        warningAt(
          doc,
          line,
          'auth-unknown-token',
          `unknown token type ${JSON.stringify(name)} in the Authentication table; expected one of Staff, App, Directory, Client, Admin, Internal; rename it or the auth matrix skips this row`,
        ),
      );
    const notes = plain(notesCol >= 0 ? (row[notesCol] ?? '') : '');
    const documented = worksOf(row[worksCol] ?? '');
    const expectedStatus = documented === 'refused' ? statusIn(notes) : undefined;
    rows.push({
      line,
      name,
      ...(tokenType ? { tokenType } : {}),
      documented,
      ...(expectedStatus !== undefined ? { expectedStatus } : {}),
      refusedStatuses:
        expectedStatus !== undefined
          ? [expectedStatus]
          : /\bno\b[^.]*\bcontext\b/i.test(notes)
            ? [400, 401, 403, 422]
            : [401, 403],
      notes,
    });
  }
  return { table: { line: headerLine, rows }, findings };
}

/** Frontmatter `tokens:` should list exactly the table's accepted (Yes) token types. */
export function tokensDisagree(
  doc: string,
  table: AuthTable,
  tokens: readonly string[] | undefined,
  tokensLine: number,
): Finding[] {
  if (!tokens) return [];
  const listed = new Set(tokens.map((t) => t.trim().toLowerCase()));
  const yes = new Set(
    table.rows.filter((r) => r.documented === 'accepted' && r.tokenType).map((r) => r.tokenType),
  );
  const missing = [...yes].filter((t) => t && !listed.has(t));
  const extra = table.rows
    .filter((r) => r.documented === 'refused' && r.tokenType && listed.has(r.tokenType))
    .map((r) => r.tokenType as string);
  if (missing.length === 0 && extra.length === 0) return [];
  const parts = [
    ...(missing.length ? [`the table accepts ${missing.join(', ')} but tokens: does not list it`] : []),
    ...(extra.length ? [`tokens: lists ${extra.join(', ')} but the table says No`] : []),
  ];
  return [
    warningAt(
      doc,
      tokensLine,
      'auth-tokens-disagree',
      `frontmatter tokens: disagrees with the Authentication table (line ${table.line}): ${parts.join('; ')}; make them say the same`,
    ),
  ];
}

function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Cell text without emphasis and code marks. */
function plain(cell: string): string {
  return cell
    .replace(/\*\*|__|[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function tokenTypeOf(name: string): string | undefined {
  const key = name
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\btokens?\b/g, '')
    .trim();
  return TOKEN_NAMES[key];
}

function worksOf(cell: string): Documented {
  const text = plain(cell).toLowerCase();
  const first = text.split(/[\s,(-]/)[0] ?? '';
  if (ACCEPTED.has(text) || ACCEPTED.has(first)) return 'accepted';
  if (REFUSED.has(text) || REFUSED.has(first)) return 'refused';
  return 'unchecked';
}

function statusIn(notes: string): number | undefined {
  const m = /\b([45]\d\d)\b/.exec(notes);
  return m?.[1] ? Number(m[1]) : undefined;
}
