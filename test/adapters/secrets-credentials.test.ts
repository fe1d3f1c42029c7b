import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretCredentials } from '../../lambda/adapters/secrets/credentials.js';
import { type SecretsStub, startSecretsStub } from '../support/secrets-stub.js';

let stub: SecretsStub;
const TOKEN = 'tok-staff-0123456789';
beforeAll(async () => {
  stub = await startSecretsStub({
    'verifier/prod': JSON.stringify({ tokens: { staff: TOKEN }, params: { business_id: 'b-1' } }),
    'verifier/bad-shape': JSON.stringify({ tokens: { staff: 42 } }),
    'verifier/not-json': `token=${TOKEN}`,
  });
});
afterAll(() => stub.close());

describe('credentials from Secrets Manager', () => {
  it('sends GetSecretValue for the secret, parses the tokens file shape, and caches it', async () => {
    const loader = createSecretCredentials({ client: stub.client(), secretId: 'verifier/prod' });
    const before = stub.requests.length;
    expect(await loader.load()).toEqual({ tokens: { staff: TOKEN }, params: { business_id: 'b-1' } });
    await loader.load();
    const sent = stub.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      body: { SecretId: 'verifier/prod' },
    });
    await loader.load({ forceFetch: true });
    expect(stub.requests.length - before).toBe(2);
  });

  it('explains a wrong shape without echoing the value', async () => {
    const loader = createSecretCredentials({ client: stub.client(), secretId: 'verifier/bad-shape' });
    await expect(loader.load()).rejects.toThrow(
      /secret "verifier\/bad-shape" does not have the tokens file shape .*tokens\.staff/,
    );
    const notJson = createSecretCredentials({ client: stub.client(), secretId: 'verifier/not-json' });
    const err = await notJson.load().catch((e: Error) => e);
    expect(String(err)).toMatch(/is not JSON/);
    expect(String(err)).not.toContain(TOKEN);
  });

  it('names a missing secret', async () => {
    const loader = createSecretCredentials({ client: stub.client(), secretId: 'verifier/none' });
    await expect(loader.load()).rejects.toThrow(
      'cannot read secret "verifier/none": ResourceNotFoundException',
    );
  });
});
