// Sweep over the real corpus and its real specs (../shared, beside the repo in CI; absent on a user's
// fresh clone, where this file skips with a notice): every Authentication table parses, every spec loads
// with its entity $refs mapped to the local folder, and the matcher finds most steps' operations.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../lambda/adapters/openapi/load-specs.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { readSections } from '../../lambda/engine/parse/sections.js';
import { parseAuthTable } from '../../lambda/engine/promises/auth-table.js';
import { ContractChecker } from '../../lambda/engine/promises/contract.js';
import { indexOperations, matchOperation } from '../../lambda/engine/promises/operations.js';
import { writeBack } from '../../lambda/engine/promises/write-back.js';

const CORPUS = '../shared/corpus';
const SPECS = '../shared/specs';
const present = existsSync(CORPUS) && existsSync(SPECS);
if (!present)
  console.warn(`notice: ${CORPUS} or ${SPECS} is absent: the corpus sweep of doc promises is skipped`);

const docs = present
  ? readdirSync(CORPUS, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.md'))
      .sort()
  : [];
const text = (f: string) => readFileSync(`${CORPUS}/${f}`, 'utf8');

describe.skipIf(!present)('doc promises over the real corpus', () => {
  it('reads every Authentication table without a throw, with a line for every row', () => {
    let rows = 0;
    for (const f of docs) {
      const section = readSections(text(f).split(/\r?\n/)).authentication;
      if (!section) continue;
      const { table } = parseAuthTable(f, section);
      for (const row of table?.rows ?? []) {
        expect(row.line, f).toBeGreaterThan(section.line);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(0);
  });

  it('loads every spec with its entity $refs read locally, and matches most test steps', async () => {
    const load = await loadSpecs(SPECS, [{ prefix: 'https://vcita.github.io/developers-hub/', dir: SPECS }]);
    expect(load.problems).toEqual([]);
    expect(load.unmapped).toEqual([]);
    const index = indexOperations(load.specs);
    const checker = new ContractChecker();
    let steps = 0;
    let matched = 0;
    let withSchema = 0;
    for (const f of docs) {
      const doc = parseDoc(f, text(f)).doc;
      const preferred = typeof doc?.frontmatter.swagger === 'string' ? doc.frontmatter.swagger : undefined;
      for (const step of doc?.test ?? []) {
        steps++;
        const op = matchOperation(index, step.method, step.path, preferred);
        if (!op) continue;
        matched++;
        const status = step.expect.find((s) => s >= 200 && s < 300) ?? 200;
        if (await checker.hasSchema(op, status)) withSchema++;
      }
    }
    console.info(
      `corpus sweep: ${steps} test steps, ${matched} matched an operation, ${withSchema} have a 2xx JSON schema`,
    );
    expect(matched / steps).toBeGreaterThan(0.9);
    expect(withSchema / steps).toBeGreaterThan(0.2);
  }, 60_000);

  it('writes verifiedAt back into every corpus doc by changing or adding exactly one line', () => {
    const at = '2030-01-01T00:00:00.000Z';
    for (const f of docs) {
      const before = text(f);
      const r = writeBack(before, { verifiedAt: at });
      expect(r.kind, f).toBe('changed');
      if (r.kind !== 'changed') continue;
      const a = before.split('\n');
      const b = r.text.split('\n');
      // Exactly one line is new or different, it is the verifiedAt line, and nothing else moved.
      const i = b.findIndex((line, k) => line !== a[k]);
      expect(b[i], f).toMatch(new RegExp(`^verifiedAt: ["']?${at}["']?\\r?$`));
      const rest =
        b.length > a.length ? [...b.slice(0, i), ...b.slice(i + 1)] : b.map((l, k) => (k === i ? a[k] : l));
      expect(rest, f).toEqual(a);
    }
  });
});
