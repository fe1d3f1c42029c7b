import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUndiciHttpClient } from '../../lambda/adapters/http/undici-client.js';

// Server-side arrival times and client ports: the cap and the pooling are measured where they matter.
const arrivals: number[] = [];
const ports = new Set<number>();
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    ports.add(req.socket.remotePort ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"OK"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

it('never lets more than rps requests arrive in any one-second window', async () => {
  arrivals.length = 0;
  const client = createUndiciHttpClient({ rps: 4, timeoutMs: 5000 });
  await Promise.all(
    Array.from({ length: 10 }, () => client.send({ method: 'GET', url: `${url}/x`, headers: {} })),
  );
  await client.close();
  expect(arrivals).toHaveLength(10);
  const sorted = [...arrivals].sort((a, b) => a - b);
  const worst = Math.max(...sorted.map((t) => sorted.filter((u) => u >= t && u < t + 1000).length));
  expect(worst).toBeLessThanOrEqual(4);
});

it('keeps connections alive: sequential requests reuse pooled sockets', async () => {
  ports.clear();
  const client = createUndiciHttpClient({ rps: 0 });
  for (let i = 0; i < 10; i++) await client.send({ method: 'GET', url: `${url}/y`, headers: {} });
  await client.close();
  // A socket returns to the pool a tick after its body ends, so a second one may open; never ten.
  expect(ports.size).toBeLessThanOrEqual(2);
});
