// The shipped docs in seeds/ against a healthy and a spam-flagged sandbox, through the real engine
// (parser, lint, runner, undici adapter, local state store): every active doc passes, pending and
// skipped ones are skip, and lint finds no errors.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUndiciHttpClient, type UndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { createLocalTestFiles } from '../../lambda/adapters/local/test-files.js';
import { lintDocs } from '../../lambda/engine/lint/lint.js';
import type { DocResult } from '../../lambda/engine/model.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { systemClock } from '../../lambda/engine/ports.js';
import { runDocs } from '../../lambda/engine/run/run-docs.js';
import { createSandbox, type Sandbox } from '../../sandbox/server.js';
import { hasShared, SHARED_DIR } from '../support/shared.js';

const SEEDS = join(import.meta.dirname, '../../seeds');
let sandbox: Sandbox;
let http: UndiciHttpClient;
let stateDir: string;

beforeEach(async () => {
  sandbox = await createSandbox({ seed: 99 });
  http = createUndiciHttpClient({ rps: 0, timeoutMs: 5000 });
  stateDir = await mkdtemp(join(tmpdir(), 'seeds-e2e-'));
});
afterEach(async () => {
  await http.close();
  await sandbox.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function runSeeds(include?: 'pending'): Promise<Map<string, DocResult>> {
  const results = new Map<string, DocResult>();
  await runDocs(
    {
      baseUrl: sandbox.baseUrl,
      fallbackUrl: sandbox.fallbackUrl,
      partnersUrl: sandbox.partnersUrl,
      credentials: sandbox.tokens,
    },
    {
      runId: `seeds-${Date.now()}`,
      allowDelete: true,
      concurrency: 4,
      ...(include ? { filters: { include: [include] } } : {}),
    },
    {
      docs: createLocalDocSource(SEEDS),
      http,
      store: createLocalStateStore({ dir: stateDir }),
      clock: systemClock,
      testFiles: createLocalTestFiles(join(SEEDS, 'test-files')),
      onEvent: (e) => {
        if (e.type === 'doc-finished') results.set(e.result.doc, e.result);
      },
    },
  );
  return results;
}

const describeFailures = (results: Map<string, DocResult>, outcome: string) =>
  [...results.values()]
    .filter((r) => r.outcome !== outcome && r.status === 'active')
    .map(
      (r) =>
        `${r.doc}: ${r.outcome} ${r.reason ?? ''} ${JSON.stringify(r.steps.find((s) => s.outcome !== 'pass'))}`,
    );

describe('seeds/', () => {
  it('holds at least eleven docs and lint reports no errors', async () => {
    const source = createLocalDocSource(SEEDS);
    const ids = await source.list();
    expect(ids.length).toBeGreaterThanOrEqual(11);
    const parsed = await Promise.all(ids.map(async (id) => parseDoc(id, await source.read(id))));
    const errors = lintDocs(parsed).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it.skipIf(!hasShared())(
    'ships the seed doc with the same meaning as ../shared/seeds holds it',
    async () => {
      // The shipped copy of the seed doc may only be Biome-formatted (npm run lint checks .md): same meaning.
      const source = createLocalDocSource(SEEDS);
      const id = 'communication/post_platform_v1_messages.md';
      const original = await readFile(join(SHARED_DIR, 'seeds/post_platform_v1_messages.md'), 'utf8');
      const meaning = (text: string) => {
        const doc = parseDoc(id, text).doc;
        const steps = [...(doc?.prerequisites ?? []), ...(doc?.test ?? [])].map(
          ({ line: _, ...step }) => step,
        );
        return { frontmatter: doc?.frontmatter, steps, knownIssues: doc?.knownIssues };
      };
      expect(meaning(await source.read(id))).toEqual(meaning(original));
      expect(meaning(original).steps).toHaveLength(2);
    },
  );

  it('against a healthy sandbox every active doc passes; pending and skipped docs are skip', async () => {
    const results = await runSeeds();
    expect(describeFailures(results, 'pass')).toEqual([]);
    expect(results.get('clients/put_platform_v1_clients_client_id.md')?.outcome).toBe('skip');
    const skipped = results.get('platform_administration/post_v1_partners_accounts_business_uid_close.md');
    expect(skipped?.outcome).toBe('skip');
    expect(skipped?.reason).toContain('Closes the target');
    expect(sandbox.business()?.state).toBe('active');
    const active = [...results.values()].filter((r) => r.status === 'active');
    expect(active.length).toBeGreaterThanOrEqual(11);
  });

  it('against a spam-flagged sandbox the messaging docs end blocked and the rest still pass', async () => {
    sandbox.flagBusiness();
    const results = await runSeeds();
    const blocked = [...results.values()].filter((r) => r.outcome === 'blocked').map((r) => r.doc);
    expect(blocked.sort()).toEqual([
      'client_portal/post_client_api_v1_portals_uid_share_documents_form_submit.md',
      'communication/get_platform_v1_conversations_conversation_uid_messages.md',
      'communication/post_platform_v1_messages.md',
    ]);
    const others = [...results.values()].filter((r) => r.status === 'active' && !blocked.includes(r.doc));
    expect(others.every((r) => r.outcome === 'pass')).toBe(true);
  });

  it('the pending doc passes when asked for with include pending', async () => {
    const results = await runSeeds('pending');
    expect(results.get('clients/put_platform_v1_clients_client_id.md')?.outcome).toBe('pass');
    expect(describeFailures(results, 'pass')).toEqual([]);
  });
});
