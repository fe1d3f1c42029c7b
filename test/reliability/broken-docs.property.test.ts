// Property-based: whatever a doc file holds, parsing and linting never throw, and a run gives every
// doc exactly one outcome (in the events, the summary and the state store). Fixed seed, bounded runs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { lintDoc, lintDocs } from '../../lambda/engine/lint/lint.js';
import { OUTCOMES } from '../../lambda/engine/model.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { anyDoc, brokenDoc, type GenDoc, hugeDoc } from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { removeTempDirs, runOnce } from './harness.js';

const SEED = 7_2026_1125;

let fs: FaultServer;
let http: UndiciHttpClient;
beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 100 });
  http = createUndiciHttpClient({ timeoutMs: 500, rps: 0 });
});
afterAll(async () => {
  await http.close();
  await fs.close();
  await removeTempDirs();
});

const lintCtx = { paramNames: new Set(['business_id', 'staff_id']), fallbackEndpoints: new Set<string>() };

describe('broken docs never crash parse, lint or run', () => {
  it('parseDoc and lintDoc return findings for any broken doc, never throw', () => {
    fc.assert(
      fc.property(brokenDoc, (d: GenDoc) => {
        const parsed = parseDoc(`gen/${d.kind}.md`, d.text);
        expect(parsed.id).toBe(`gen/${d.kind}.md`);
        for (const f of parsed.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.message.length).toBeGreaterThan(0);
        }
        const findings = lintDoc(parsed, lintCtx);
        expect(Array.isArray(findings)).toBe(true);
        // A doc that could not be understood always says why.
        if (!parsed.doc) expect(parsed.findings.some((f) => f.severity === 'error')).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('lintDocs over a batch of broken docs never throws and attributes findings to those docs', () => {
    fc.assert(
      fc.property(fc.array(brokenDoc, { minLength: 1, maxLength: 10 }), (docs) => {
        const parsed = docs.map((d, i) => parseDoc(`gen/${i}.md`, d.text));
        const ids = new Set(parsed.map((p) => p.id));
        const findings = lintDocs(parsed, { paramNames: lintCtx.paramNames });
        for (const f of findings) expect(ids.has(f.doc), f.doc).toBe(true);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('turns a 10 MB doc into one error finding without parsing it', () => {
    const parsed = parseDoc('gen/huge.md', hugeDoc());
    expect(parsed.findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
    expect(() => lintDoc(parsed, lintCtx)).not.toThrow();
  });

  it('gives every doc of a run exactly one outcome, in events, summary and state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyDoc, { minLength: 1, maxLength: 8 }), async (gen) => {
        const docs = Object.fromEntries(
          gen.map((d, i) => [`gen/${i}-${d.kind.replace(/[^a-z-]/g, '_')}.md`, d.text]),
        );
        const ids = Object.keys(docs).sort();
        const out = await runOnce({ docs, baseUrl: fs.url, http });
        expect(out.docs.map((d) => d.doc).sort()).toEqual(ids);
        for (const d of out.docs) expect(OUTCOMES).toContain(d.outcome);
        for (const [i, g] of gen.entries()) {
          if (g.kind === 'valid')
            expect(out.docs.find((d) => d.doc.startsWith(`gen/${i}-`))?.outcome).toBe('pass');
        }
        const s = out.result.summary;
        expect(s.total).toBe(ids.length);
        expect(s.pass + s.fail + s.error + s.blocked + s.invalid + s.skip).toBe(ids.length);
        const states = await out.store.listDocStates();
        expect(states.map((x) => x.doc).sort()).toEqual(ids);
        expect(await out.store.getRunResults(out.result.runId)).toHaveLength(ids.length);
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});
