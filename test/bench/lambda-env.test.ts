import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dummyEnv } from '../../bench/workloads/lambda.js';
import { loadVerifyConfig } from '../../lambda/config/verify.js';

const ROOT = join(import.meta.dirname, '../..');

describe('dummyEnv for the Lambda import measurement', () => {
  it('gives every variable the verifier config reads a value the config accepts', async () => {
    const env = await dummyEnv(ROOT);
    // The config the handler reads at import is built from exactly these values.
    const config = loadVerifyConfig(env);
    expect(config.tableName).toBe('bench-state-table-name');
    expect(config.baseUrl).toBe('https://example.invalid');
    // And without them the handler could not be imported at all.
    const { STATE_TABLE_NAME: _omitted, ...missing } = env;
    expect(() => loadVerifyConfig(missing)).toThrow(/STATE_TABLE_NAME/);
  });
});
