// The sandbox's health scenarios (issue 12): one endpoint answers 500, both gateways 503, or one
// token type is rejected with 401; everything else keeps answering as usual.
import { describe, expect, it } from 'vitest';
import { createSandbox, type SandboxFault } from '../../sandbox/server.js';

async function statusOf(fault: SandboxFault, path: string, tokenType = 'staff'): Promise<number> {
  const sb = await createSandbox({ fault });
  try {
    const res = await fetch(`${sb.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${sb.tokens.tokens[tokenType]}` },
    });
    await res.arrayBuffer();
    return res.status;
  } finally {
    await sb.close();
  }
}

describe('sandbox health scenarios', () => {
  it('outage: the broken endpoint answers 500, the others 200', async () => {
    const outage = { kind: 'outage', path: '/platform/v1/clients' } as const;
    expect(await statusOf(outage, '/platform/v1/clients')).toBe(500);
    expect(await statusOf(outage, `/platform/v1/businesses/${'x'}`)).not.toBe(500);
  });

  it('gateway-down: every gateway request answers 503', async () => {
    expect(await statusOf({ kind: 'gateway-down' }, '/platform/v1/clients')).toBe(503);
  });

  it('token-revoked: requests with that token type answer 401, others do not', async () => {
    const revoked = { kind: 'token-revoked', tokenType: 'staff' } as const;
    expect(await statusOf(revoked, '/platform/v1/clients')).toBe(401);
    expect(await statusOf({ kind: 'token-revoked', tokenType: 'client' }, '/platform/v1/clients')).toBe(200);
  });
});
