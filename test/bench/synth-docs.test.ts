import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isRunnable, planDoc, planDocs } from '../../bench/doc-plan.js';
import { buildRoutes } from '../../bench/routes.js';
import { prepareDocsDir, syntheticDoc } from '../../bench/synth-docs.js';
import { hasShared, SEEDS_DIR, SHARED_CORPUS } from '../support/shared.js';

// The shipped docs always; the corpus when ../shared is beside the clone.
const ROOTS = [
  { name: 'the seeds', dir: SEEDS_DIR, docs: 15 },
  ...(hasShared() ? [{ name: 'the corpus', dir: SHARED_CORPUS, docs: 119 }] : []),
];

describe('synthetic docs', () => {
  it.each(ROOTS)(
    'fills a docs root up to the requested total with $name plus runnable synthetic docs',
    async (root) => {
      const docs = await prepareDocsDir(root.dir, 350);
      try {
        const files = (await readdir(docs.dir, { recursive: true })).filter((f) => f.endsWith('.md'));
        expect(files).toHaveLength(350);
        expect(docs.corpus + docs.synthetic).toBe(350);
        expect(docs.corpus).toBe(root.docs);
        const plans = await planDocs(docs.dir);
        const synthetic = plans.filter((p) => p.id.startsWith('synthetic/'));
        expect(synthetic).toHaveLength(350 - root.docs);
        expect(new Set(synthetic.map((p) => p.id)).size).toBe(350 - root.docs);
        for (const p of synthetic) expect(isRunnable(p)).toBe(true);
        // every synthetic request has an answer with the status its doc expects
        const routes = buildRoutes(plans);
        for (const p of synthetic) {
          for (const s of p.steps) {
            const path = s.path.split('?')[0]?.replace(/\{\{[^}]+\}\}/g, 'v1') ?? '';
            expect(routes.match(s.method, path)?.status, `${p.id} ${s.id}`).toBe(s.status);
          }
        }
      } finally {
        await docs.cleanup();
      }
    },
  );

  it('writes docs that follow the format: frontmatter, prerequisites and test steps that parse', async () => {
    for (let n = 0; n < 10; n++) {
      const { id, text } = syntheticDoc(n);
      expect(id).toMatch(/^synthetic\/[a-z_]+\/[a-z_0-9]+\.md$/);
      const front = parse(text.split('---')[1] ?? '') as Record<string, unknown>;
      expect(front.status).toBe('verified');
      expect(String(front.endpoint)).toMatch(/^(GET|POST|PUT) \//);
      const plan = planDoc(id, text);
      expect(plan.steps.filter((s) => s.phase === 'prerequisite').length).toBeGreaterThan(0);
      expect(plan.steps.filter((s) => s.phase === 'test').length).toBeGreaterThan(0);
      // every {{var}} is a config param, a run-time value or extracted by an earlier step
      const known = new Set([
        'business_id',
        'staff_id',
        'now_timestamp',
        'future_datetime',
        'random_string',
        'today_date',
        'start_of_month_date',
      ]);
      for (const s of plan.steps) {
        for (const m of JSON.stringify([s.path, s.params, s.body]).matchAll(/\{\{(\w+)\}\}/g)) {
          expect(known.has(m[1] ?? ''), `${id}: ${m[1]}`).toBe(true);
        }
        for (const v of Object.keys(s.extract)) known.add(v);
      }
    }
  });

  it('reads a real doc the way it is written (the seed doc, as the corpus holds it too)', async () => {
    const text = await readFile(join(SEEDS_DIR, 'communication/post_platform_v1_messages.md'), 'utf8');
    const plan = planDoc('communication/post_platform_v1_messages.md', text);
    expect(plan.useFallbackApi).toBe(true);
    expect(plan.steps.map((s) => `${s.phase}:${s.id}:${s.method}:${s.status}`)).toEqual([
      'prerequisite:get_client:GET:200',
      'test:create_message:POST:201',
    ]);
    expect(plan.steps[0]?.extract).toEqual({ client_id: '$.data.clients[0].id' });
  });
});
