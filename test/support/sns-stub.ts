// A tiny local SNS: speaks enough of the Query API (Action=Publish) for the SDK, and records every
// request it received, decoded. Point an SNSClient at `endpoint`.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';

export interface SnsPublish {
  readonly TopicArn?: string;
  readonly Subject?: string;
  readonly Message?: string;
  readonly MessageStructure?: string;
  /** `MessageAttributes.entry.N.*` folded into name → { DataType, StringValue }. */
  readonly MessageAttributes: Record<string, { DataType?: string; StringValue?: string }>;
  readonly MessageId: string;
}

export interface SnsStub {
  readonly endpoint: string;
  /** Successful Publish requests, in order. */
  readonly published: SnsPublish[];
  /** Every request's raw form parameters, including failed ones. */
  readonly requests: Record<string, string>[];
  /** The next `n` requests answer 500 InternalError. */
  failNext(n: number): void;
  /** An SNSClient pointed at the stub, with dummy credentials and no SDK retries. */
  client(): SNSClient;
  close(): Promise<void>;
}

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startSnsStub(): Promise<SnsStub> {
  const published: SnsPublish[] = [];
  const requests: Record<string, string>[] = [];
  let failures = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      requests.push(params);
      const requestId = randomUUID();
      const reply = (status: number, body: string) =>
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(body);
      const error = (status: number, type: string, code: string, message: string) =>
        reply(
          status,
          `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      if (failures > 0) {
        failures--;
        return error(500, 'Receiver', 'InternalError', 'stub: injected failure');
      }
      if (params.Action !== 'Publish') {
        return error(400, 'Sender', 'InvalidAction', `stub: unsupported Action ${params.Action}`);
      }
      if (!params.TopicArn || !params.Message) {
        return error(400, 'Sender', 'InvalidParameter', 'stub: TopicArn and Message are required');
      }
      // SNS's own rule: a subject is printable ASCII, one line, under 100 characters.
      if (params.Subject !== undefined && !/^[\x20-\x7e]{1,99}$/.test(params.Subject)) {
        return error(400, 'Sender', 'InvalidParameter', 'Invalid parameter: Subject');
      }
      if (params.MessageStructure === 'json' && !hasDefault(params.Message)) {
        return error(
          400,
          'Sender',
          'InvalidParameter',
          'Message Structure - No default entry in JSON message body',
        );
      }
      const MessageId = randomUUID();
      published.push({
        TopicArn: params.TopicArn,
        Subject: params.Subject,
        Message: params.Message,
        MessageStructure: params.MessageStructure,
        MessageAttributes: attributes(params),
        MessageId,
      });
      reply(
        200,
        `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${MessageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    published,
    requests,
    failNext(n) {
      failures = n;
    },
    client: () =>
      new SNSClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function attributes(params: Record<string, string>): SnsPublish['MessageAttributes'] {
  const out: SnsPublish['MessageAttributes'] = {};
  for (let i = 1; params[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    const p = `MessageAttributes.entry.${i}`;
    out[params[`${p}.Name`] ?? ''] = {
      DataType: params[`${p}.Value.DataType`],
      StringValue: params[`${p}.Value.StringValue`],
    };
  }
  return out;
}

function hasDefault(message: string): boolean {
  try {
    const parsed = JSON.parse(message) as unknown;
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { default?: unknown }).default === 'string'
    );
  } catch {
    return false;
  }
}
