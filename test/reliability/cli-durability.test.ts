// The CLI as separate processes on one `--state` folder: a run SIGKILLed mid-way leaves a readable
// store holding every doc whose "finished" line it printed, and the next run works on it; two CLI
// runs at once lose no update.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStateStore } from '../../lambda/adapters/local/state-store.js';
import { docWithStep, okStep } from '../support/doc-arbitraries.js';
import { type FaultServer, startFaultServer } from '../support/fault-server.js';
import { collect, runCli, spawnCli, stripAnsi } from './cli-child.js';
import { removeTempDirs, TEST_CREDENTIALS, tempDir } from './harness.js';

let fs: FaultServer;
let tokensFile: string;

beforeAll(async () => {
  fs = await startFaultServer({ slowMs: 150 });
  tokensFile = join(await tempDir(), 'tokens.json');
  await writeFile(tokensFile, JSON.stringify(TEST_CREDENTIALS));
});
afterAll(async () => {
  await fs.close();
  await removeTempDirs();
});

async function writeDocs(docs: Record<string, string>): Promise<string> {
  const root = join(await tempDir(), 'docs');
  for (const [id, text] of Object.entries(docs)) {
    await mkdir(join(root, id, '..'), { recursive: true });
    await writeFile(join(root, id), text);
  }
  return root;
}

const args = (docs: string, state: string, extra: string[] = []) => [
  'run',
  ...['--docs', docs, '--base-url', fs.url, '--tokens', tokensFile, '--state', state],
  ...['--rps', '0', '--timeout-ms', '3000', ...extra],
];

const FINISHED = /^(PASS|FAIL|ERROR|BLOCKED|INVALID|SKIP)\s+(\S+\.md) \(/;

/** Every JSON file of the state folder parses (temp files of an interrupted write excepted). */
async function allStateFilesParse(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.json') || e.name.startsWith('.')) continue;
    JSON.parse(await readFile(join(e.parentPath, e.name), 'utf8'));
    n++;
  }
  return n;
}

describe('CLI runs on one state folder', () => {
  it('keeps every doc a SIGKILLed run reported finished, readable, and the next run works', async () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 40; i++) {
      docs[`slow/doc-${String(i).padStart(2, '0')}.md`] = docWithStep(
        okStep('call', { path: `/slow-headers?i=${i}` }),
      );
    }
    const root = await writeDocs(docs);
    const state = await tempDir();
    const child = spawnCli(args(root, state, ['--concurrency', '2']));
    const finished: string[] = [];
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      buffer += s;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const m = FINISHED.exec(stripAnsi(line));
        if (m?.[2]) finished.push(m[2]);
        if (finished.length >= 6 && !child.killed) child.kill('SIGKILL');
      }
    });
    const out = await collect(child);
    expect(out.signal).toBe('SIGKILL');
    expect(finished.length).toBeGreaterThanOrEqual(6);
    expect(finished.length).toBeLessThan(40);

    expect(await allStateFilesParse(state)).toBeGreaterThan(0);
    const store = createLocalStateStore({ dir: state, mutex: { staleMs: 500, timeoutMs: 5000 } });
    const states = await store.listDocStates();
    const stored = new Set(states.map((s) => s.doc));
    for (const doc of finished) expect(stored.has(doc), doc).toBe(true);
    const [killed] = await store.listRuns(1);
    expect(killed?.status).toBe('running');
    const results = (await store.getRunResults(killed?.runId ?? '')).map((r) => r.doc);
    for (const doc of finished) expect(results, doc).toContain(doc);

    const next = await runCli(args(root, state, ['--concurrency', '8', '--doc', 'slow/doc-0*.md']));
    expect(next.code).toBe(0);
    const after = await store.listDocStates();
    expect(after.filter((s) => s.doc.startsWith('slow/doc-0')).every((s) => s.outcome === 'pass')).toBe(true);
  });

  it('loses no update when two CLI runs share the folder at once', async () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 8; i++)
      docs[`bad/doc-${i}.md`] = docWithStep(okStep('call', { path: `/status/500?i=${i}` }));
    const root = await writeDocs(docs);
    const state = await tempDir();
    const [a, b] = await Promise.all([runCli(args(root, state)), runCli(args(root, state))]);
    expect([a.code, b.code]).toEqual([1, 1]);
    const store = createLocalStateStore({ dir: state });
    const states = await store.listDocStates();
    expect(states.map((s) => s.doc).sort()).toEqual(Object.keys(docs).sort());
    for (const s of states) expect(s.consecutiveFailures, s.doc).toBe(2);
    const runs = await store.listRuns(10);
    expect(runs.map((r) => r.status)).toEqual(['finished', 'finished']);
  });
});
