// Preparing a doc before anything is sent: a doc that cannot run is invalid or skip with the reason,
// and its findings are reported once each (run/prepare.ts).
import { describe, expect, it } from 'vitest';
import { doc, run, useApi } from '../support/run-harness.js';

const api = useApi();

const getStep = (path: string) => `  - id: s\n    method: GET\n    path: "${path}"`;

describe('invalid docs', () => {
  it('makes a doc invalid when a step sleeps longer than the run allows', async () => {
    const test = `${getStep('/a')}\n    sleep: 5000`;
    const out = await run(api, { docs: { 'clients/z.md': doc({ test }) }, options: { maxSleepMs: 1000 } });
    expect(out.docs['clients/z.md']?.outcome).toBe('invalid');
    expect(out.docs['clients/z.md']?.reason).toMatch(
      /^clients\/z\.md:\d+: step "s": sleep 5000 ms is longer than this run's 1000 ms limit/,
    );
    expect(api.received).toHaveLength(0);
  });

  it('reports an unparseable doc as invalid with its path and line', async () => {
    const out = await run(api, { docs: { 'clients/broken.md': '---\nendpoint: [\n---\n# x\n' } });
    expect(out.docs['clients/broken.md']?.outcome).toBe('invalid');
    expect(out.docs['clients/broken.md']?.reason).toMatch(/^clients\/broken\.md:\d+: /);
  });

  it('reports each finding once, the parse findings first, and sends nothing', async () => {
    // An unknown frontmatter status is a parse error that still yields a doc; {{nope}} is a lint error.
    const text = doc({
      front: 'endpoint: "GET /x"\ndomain: clients\nstatus: bogus',
      test: getStep('/a/{{nope}}'),
    });
    const out = await run(api, { docs: { 'clients/twice.md': text } });
    const result = out.docs['clients/twice.md'];
    expect(result?.outcome).toBe('invalid');
    const findings = result?.findings ?? [];
    const keys = findings.map((f) => `${f.line} ${f.code}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(result?.reason).toBe(`clients/twice.md:${findings[0]?.line}: ${findings[0]?.message}`);
    expect(findings[0]?.message).toMatch(/status/);
    expect(findings.some((f) => f.message.includes('{{nope}}'))).toBe(true);
    expect(api.received).toHaveLength(0);
  });
});
