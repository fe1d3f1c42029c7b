// Redaction where the token comes back changed: trimmed by HTTP (a tokens file with stray spaces),
// JSON-escaped by the API (PHP/Rails style `\/`, `\u0026`), reflected in a plain-text error, or carried
// by an extracted value into a later step's query string. The distinctive part of each token must
// appear nowhere in the results, the events or the state.
import { describe, expect, it } from 'vitest';
import { docText, docWithStep, okStep, stepsYaml } from '../support/doc-arbitraries.js';
import { runOnce, useFaultTarget } from './harness.js';

const t = useFaultTarget();

/** Runs of 8+ letters and digits: they survive every text encoding, so finding one is a leak. */
const fragments = (token: string): string[] => token.match(/[A-Za-z0-9]{8,}/g) ?? [];

async function leaksOf(tokens: Record<string, string>, docs: Record<string, string>): Promise<string[]> {
  const out = await runOnce({
    docs,
    baseUrl: t.fs.url,
    http: t.http,
    credentials: { tokens, params: { business_id: 'b-1' } },
  });
  // The server did receive the tokens, so the responses really carried them back.
  const received = t.fs.requests.map((r) => r.headers.authorization ?? '').join('\n');
  for (const t of Object.values(tokens)) expect(received).toContain(t.trim());
  const texts = {
    results: JSON.stringify(out.docs),
    events: JSON.stringify(out.events),
    stored: JSON.stringify(await out.store.getRunResults(out.result.runId)),
    states: JSON.stringify(await out.store.listDocStates()),
  };
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const t of Object.values(tokens))
      for (const f of fragments(t)) if (text.includes(f)) leaks.push(`${where}: ${f}`);
  }
  return leaks;
}

const echo = (path: string, token: string) =>
  docWithStep(okStep('call', { path, token, expect: { status: [201] } }));

describe('redaction of tokens that come back changed', () => {
  it('redacts a token that arrives trimmed because the tokens file had stray spaces', async () => {
    const tokens = { staff: ' tok-ws-9a8b7c6d5e4f ', admin: 'tok-ws2-1f2e3d4c5b6a ' };
    const docs = {
      'ws/echo.md': echo('/echo', 'staff'),
      'ws/reflect.md': echo('/reflect', 'staff'),
      'ws/admin.md': echo('/echo', 'admin'),
    };
    expect(await leaksOf(tokens, docs)).toEqual([]);
  });

  it('redacts a token the API echoes JSON-escaped (\\/ and \\u0026)', async () => {
    const tokens = { staff: 'tok/slash&amp-4f5e6d7c8b9a' };
    expect(await leaksOf(tokens, { 'esc/echo.md': echo('/echo-escaped', 'staff') })).toEqual([]);
  });

  it('redacts a token reflected in a plain-text error body', async () => {
    const tokens = { staff: 'tok-plain-0f1e2d3c4b5a' };
    expect(await leaksOf(tokens, { 'reflect/a.md': echo('/reflect', 'staff') })).toEqual([]);
  });

  it('redacts a token an extract carried into a later query string, however it is encoded', async () => {
    const tokens = { staff: "tok!(bang)*'-6a7b8c9d0e1f" };
    const docs = {
      'carry/a.md': docText({
        prerequisites: stepsYaml([
          okStep('grab', { path: '/echo', extract: { auth: '$.headers.authorization' } }),
        ]),
        test: stepsYaml([okStep('use', { path: '/status/500', params: { seen: '{{auth}}' } })]),
      }),
    };
    expect(await leaksOf(tokens, docs)).toEqual([]);
  });
});
