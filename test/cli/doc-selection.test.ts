// The listing of a docs folder: which files are docs, and the text it keeps so that a run opens each
// doc once (the listing reads it, the run's first pass takes the text from it).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listDocs, NO_FRONTMATTER } from '../../cli/doc-selection.js';
import { MAX_DOC_BYTES } from '../../lambda/engine/parse/doc-header.js';

const DOC = '---\nendpoint: "GET /a"\ndomain: a\n---\n\n# A\n';
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function docsFolder(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'doc-selection-'));
  dirs.push(root);
  for (const [id, text] of Object.entries(files)) {
    await mkdir(join(root, id, '..'), { recursive: true });
    await writeFile(join(root, id), text);
  }
  return root;
}

describe('listDocs', () => {
  it('lists docs with frontmatter, a BOM allowed, and ignores markdown without it', async () => {
    const root = await docsFolder({
      'a/one.md': DOC,
      'a/bom.md': `\uFEFF${DOC}`,
      'README.md': '# Docs\n',
    });
    const listing = await listDocs({ root });
    expect(listing.ids).toEqual(['a/bom.md', 'a/one.md']);
    expect(listing.ignored).toEqual([{ id: 'README.md', reason: NO_FRONTMATTER }]);
  });

  it('hands out the text it read once: the first read takes it, later reads go to the file', async () => {
    const root = await docsFolder({ 'a/one.md': DOC });
    const listing = await listDocs({ root });
    const edited = DOC.replace('# A', '# edited');
    await writeFile(join(root, 'a/one.md'), edited);
    await expect(listing.source.read('a/one.md')).resolves.toBe(DOC);
    await expect(listing.source.read('a/one.md')).resolves.toBe(edited);
  });

  it('keeps no text of a file larger than a doc may be, and reads it from the file', async () => {
    const big = `${DOC}${'x'.repeat(MAX_DOC_BYTES)}`;
    const root = await docsFolder({ 'a/big.md': big });
    const listing = await listDocs({ root });
    expect(listing.ids).toEqual(['a/big.md']);
    await writeFile(join(root, 'a/big.md'), DOC);
    await expect(listing.source.read('a/big.md')).resolves.toBe(DOC);
  });
});
