// The local DocSource and TestFiles adapters: ids relative to the root, sorted, and no escaping it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalDocSource } from '../../lambda/adapters/local/doc-source.js';
import { createLocalTestFiles } from '../../lambda/adapters/local/test-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verifier-local-'));
  await mkdir(join(dir, 'docs', 'sales', 'deep'), { recursive: true });
  await mkdir(join(dir, 'docs', '.hidden'), { recursive: true });
  await mkdir(join(dir, 'files'), { recursive: true });
  await writeFile(join(dir, 'docs', 'sales', 'b.md'), 'B');
  await writeFile(join(dir, 'docs', 'sales', 'deep', 'a.md'), 'A');
  await writeFile(join(dir, 'docs', 'clients.md'), 'C');
  await writeFile(join(dir, 'docs', 'notes.txt'), 'not a doc');
  await writeFile(join(dir, 'docs', '.hidden', 'x.md'), 'hidden');
  await writeFile(join(dir, 'secret.md'), 'outside');
  await writeFile(join(dir, 'files', 'sample.pdf'), '%PDF');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('lists every .md under the root as sorted ids with / separators, skipping hidden folders', async () => {
  const source = createLocalDocSource(join(dir, 'docs'));
  expect(await source.list()).toEqual(['clients.md', 'sales/b.md', 'sales/deep/a.md']);
  expect(await source.read('sales/deep/a.md')).toBe('A');
});

it('refuses an id that leaves the docs root', async () => {
  const source = createLocalDocSource(join(dir, 'docs'));
  await expect(source.read('../secret.md')).rejects.toThrow(/outside the docs root/);
});

it('reads test files and refuses paths outside the folder', async () => {
  const files = createLocalTestFiles(join(dir, 'files'));
  expect(new TextDecoder().decode(await files.read('sample.pdf'))).toBe('%PDF');
  await expect(files.read('../secret.md')).rejects.toThrow(/outside the test-files folder/);
  await expect(files.read('missing.pdf')).rejects.toThrow(/not found in the test-files folder/);
});
