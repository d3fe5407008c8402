import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { pipeTo } from '../../src/tcp/pipe.js';

/** Answers only after the client has half-closed, and late: the case terminationDelay is about. */
const LATE_MS = 300;
const servers: Server[] = [];
let upstreamPort = 0;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  const upstream = createServer({ allowHalfOpen: true }, (socket) => {
    socket.resume();
    socket.on('end', () => setTimeout(() => socket.end('late answer'), LATE_MS));
    socket.on('error', () => undefined);
  });
  upstreamPort = await listen(upstream);
});
after(() => {
  for (const server of servers) server.close();
});

/** A client that sends a request, half-closes, and collects everything until the connection closes. */
async function halfCloseThrough(terminationDelay: number | undefined): Promise<{ got: string; ms: number }> {
  // Like an entry point's HTTP server, the proxy side keeps a half-closed client readable.
  const front = createServer({ allowHalfOpen: true }, (socket) =>
    pipeTo(socket, { host: '127.0.0.1', port: upstreamPort, terminationDelay }, 'test'),
  );
  const port = await listen(front);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => client.end('request'));
    let got = '';
    client.on('data', (chunk: Buffer) => (got += chunk.toString()));
    client.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    client.on('close', () => resolve({ got, ms: performance.now() - started }));
  });
}

test("without terminationDelay a half-closed connection gets Traefik's 100 ms to finish", async () => {
  const { got, ms } = await halfCloseThrough(undefined);
  assert.equal(got, '');
  assert.ok(ms >= 90 && ms < LATE_MS, `closed after ${Math.round(ms)} ms`);
});

test('a negative terminationDelay means no deadline, as in Traefik', async () => {
  assert.equal((await halfCloseThrough(-1)).got, 'late answer');
});

test('terminationDelay closes the connection that long after the client half-closed', async () => {
  const { got, ms } = await halfCloseThrough(50);
  assert.equal(got, '');
  assert.ok(ms < LATE_MS, `closed after ${Math.round(ms)} ms`);
});
