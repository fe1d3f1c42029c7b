// A tokens file whose token HTTP cannot carry (a pasted curly quote) is a usage error that names the
// token type, never the value, and nothing is sent.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../cli/run.js';
import { credentialsSchema } from '../../lambda/engine/credentials.js';
import { type ApiServer, cleanTempDirs, doc, startApi, tempDir } from '../support/run-harness.js';

let api: ApiServer;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
  await cleanTempDirs();
});

describe('tokens HTTP cannot carry', () => {
  it('are a usage error naming the token type, not the value', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'docs'));
    await writeFile(
      join(dir, 'docs', 'a.md'),
      doc({
        front: 'endpoint: "GET /a"\ndomain: d\nstatus: verified',
        test: '  - id: s\n    method: GET\n    path: "/a"',
      }),
    );
    const value = 'tok\u2019pasted-9f8e7d6c';
    await writeFile(join(dir, 'tokens.json'), JSON.stringify({ tokens: { staff: value }, params: {} }));
    const err = new PassThrough();
    const chunks: string[] = [];
    err.on('data', (c: Buffer) => chunks.push(c.toString()));
    const code = await executeRun(
      { docs: join(dir, 'docs'), tokens: join(dir, 'tokens.json'), baseUrl: api.url, state: join(dir, 's') },
      { stdout: new PassThrough(), stderr: err, isTTY: false },
    );
    const text = chunks.join('');
    expect(code).toBe(2);
    expect(text).toMatch(/--tokens: .*tokens\.staff: holds characters an HTTP header cannot carry/);
    expect(text).not.toContain('pasted-9f8e7d6c');
    expect(api.received).toHaveLength(0);
  });

  it('trims surrounding white space and accepts ordinary tokens', () => {
    const parsed = credentialsSchema.parse({
      tokens: { staff: '  abc.DEF-123_x=  ', app: 'Bearer-ish token' },
    });
    expect(parsed.tokens).toEqual({ staff: 'abc.DEF-123_x=', app: 'Bearer-ish token' });
    expect(parsed.params).toEqual({});
    expect(credentialsSchema.safeParse({ tokens: { staff: 'a\nb' } }).success).toBe(false);
    expect(credentialsSchema.safeParse({ tokens: { staff: '   ' } }).success).toBe(false);
  });
});
