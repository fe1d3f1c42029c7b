import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dummyEnv } from '../../bench/workloads/lambda.js';
import { loadVerifyConfig } from '../../lambda/config/verify.js';

const ROOT = join(import.meta.dirname, '../..');

describe('dummyEnv for the Lambda import measurement', () => {
  it('gives every variable the verifier config reads a value the config accepts', async () => {
    const env = await dummyEnv(ROOT);
    expect(env.STATE_TABLE_NAME).toBeTruthy();
    expect(env.TARGET_BASE_URL).toMatch(/^https:\/\//);
    expect(() => loadVerifyConfig(env)).not.toThrow();
  });
});
