// Which YAML library reads what (README, "Libraries"): js-yaml reads every clean doc and gives the
// lines its findings point at; the yaml library is asked only for what js-yaml cannot tell (here, the
// error in a block js-yaml rejects). The calls into each library are counted at the module boundary.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lintDoc } from '../../lambda/engine/lint/lint.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';

const calls = vi.hoisted(() => ({ jsYaml: 0, yaml: 0 }));
vi.mock('js-yaml', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: typeof import('js-yaml') }).default;
  const load: typeof real.load = (...args) => {
    calls.jsYaml++;
    return real.load(...args);
  };
  return { ...real, default: { ...real, load }, load };
});
vi.mock('yaml', async (importOriginal) => {
  const real = (await importOriginal()) as typeof import('yaml');
  const parseDocument = ((...args: Parameters<typeof real.parseDocument>) => {
    calls.yaml++;
    return real.parseDocument(...args);
  }) as typeof real.parseDocument;
  return { ...real, parseDocument };
});

beforeEach(() => {
  calls.jsYaml = 0;
  calls.yaml = 0;
});

const lint = (p: ReturnType<typeof parseDoc>) =>
  lintDoc(p, { paramNames: new Set(['business_id']), fallbackEndpoints: new Set() });

describe('which library reads what', () => {
  const clean = readFileSync('test/fixtures/lint/ok.md', 'utf8');

  it('js-yaml alone reads a clean doc', () => {
    const parsed = parseDoc('ok.md', clean);
    expect([...parsed.findings, ...lint(parsed)].filter((f) => f.severity === 'error')).toEqual([]);
    expect(calls.jsYaml).toBeGreaterThanOrEqual(2);
    expect(calls.yaml).toBe(0);
  });

  it('js-yaml alone gives the lines findings point at', () => {
    const broken = clean.replace(
      'path: "/platform/v1/clients/{{client_id}}"',
      'path: "//evil.example/{{client_id}}"\n    headers: { X-Ok: "1" }\n    surplus: 1',
    );
    expect(broken).not.toBe(clean);
    const reparsed = parseDoc('ok.md', broken);
    const findings = [...reparsed.findings, ...lint(reparsed)];
    expect(findings.map((f) => [f.code, f.line])).toEqual(
      expect.arrayContaining([
        ['unsafe-path', 22],
        ['unknown-key', 24],
      ]),
    );
    expect(calls.yaml).toBe(0);
  });

  it('the yaml library reads a block js-yaml rejects, and reports its error', () => {
    const parsed = parseDoc(
      'x.md',
      '---\nstatus: verified\n---\n## Test Request\n```yaml\nsteps:\n  - id: a\n    id: b\n```\n',
    );
    expect(parsed.findings.map((f) => [f.code, f.line])).toEqual([['yaml-syntax', 8]]);
    expect(calls.yaml).toBe(1);
  });
});
