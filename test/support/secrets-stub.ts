// A tiny local server speaking enough of the Secrets Manager JSON API (GetSecretValue) for the
// SDK client, recording every request it receives.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface RecordedSecretsRequest {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
}

export interface SecretsStub {
  readonly endpoint: string;
  readonly requests: RecordedSecretsRequest[];
  readonly secrets: Map<string, string>;
  client(): SecretsManagerClient;
  close(): Promise<void>;
}

export async function startSecretsStub(initial: Record<string, string> = {}): Promise<SecretsStub> {
  const secrets = new Map(Object.entries(initial));
  const requests: RecordedSecretsRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ target, body, headers: req.headers });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'secretsmanager.GetSecretValue') {
        return reply(400, {
          __type: 'InvalidRequestException',
          message: `stub does not implement ${target}`,
        });
      }
      const id = String(body.SecretId);
      const value = secrets.get(id);
      if (value === undefined) {
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      reply(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}`,
        Name: id,
        SecretString: value,
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    secrets,
    client: () =>
      new SecretsManagerClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
