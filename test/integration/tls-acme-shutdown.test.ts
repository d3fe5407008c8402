/**
 * SIGTERM with a cluster store configured (whose Redis connections keep the process alive until
 * shutdown closes them): TLS clients that refused the certificate, or that never finish their
 * handshake, must not hold the exit past the entry point's graceTimeOut; connections held by a
 * TCP router are drained until then, as in Traefik.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';

const GRACE_MS = 1500;
let redis: KvServer;
/** The TCP router's server: echoes each chunk. */
let echo: Server;
const started: RunningPortier[] = [];

before(async () => {
  redis = await startKvServer('redis');
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((done) => echo.listen(0, '127.0.0.1', done));
});

after(async () => {
  for (const portier of started) if (portier.process.exitCode === null) portier.process.kill('SIGKILL');
  await redis?.stop();
  echo?.close();
});

/**
 * Portier with a TLS entry point served by the default self-signed certificate, and cluster.redis;
 * TLS for db.example.com is terminated by a TCP router piping to the echo server.
 */
async function startClustered(): Promise<{ portier: RunningPortier; port: number }> {
  const port = await freePort();
  const dir = tempDir({
    'portier.yml': `entryPoints:
  websecure:
    address: "127.0.0.1:${port}"
    http: { tls: {} }
    transport: { lifeCycle: { graceTimeOut: ${GRACE_MS}ms } }
cluster: { redis: { endpoint: "${redis.endpoint}" } }
providers:
  file: { filename: dynamic.yml }
`,
    'dynamic.yml': `http:
  routers:
    site: { rule: "Host(\`site.example.com\`)", entryPoints: [websecure], service: noop@internal, tls: {} }
tcp:
  routers:
    db: { rule: "HostSNI(\`db.example.com\`)", entryPoints: [websecure], service: echo, tls: {} }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${(echo.address() as AddressInfo).port}" }] } }
`,
  });
  const portier = await startPortier(['-c', join(dir, 'portier.yml')]);
  started.push(portier);
  return { portier, port };
}

/** A TLS connection through the TCP router, once it has echoed a first message. */
async function tcpSession(port: number): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'db.example.com', rejectUnauthorized: false });
  socket.on('error', () => undefined);
  await roundTrip(socket, 'hello');
  return socket;
}

function roundTrip(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (data: Buffer) => resolve(data.toString()));
    socket.once('close', () => reject(new Error('the TCP session was closed')));
    socket.write(text);
  });
}

/** SIGTERM, then the time until the process exited (or a failure once twice the grace has passed). */
async function stopTimed(portier: RunningPortier, begun = Date.now()): Promise<number> {
  const killer = setTimeout(() => portier.process.kill('SIGKILL'), GRACE_MS * 2 + 1000);
  const code = await portier.stop();
  clearTimeout(killer);
  assert.equal(code, 0, `portier did not exit by itself; log:\n${portier.logs()}`);
  assert.match(portier.logs(), /"msg":"stopped"/);
  return Date.now() - begun;
}

test('clients that refuse the self-signed certificate do not hold the exit', async () => {
  const { portier, port } = await startClustered();
  const refusals = await Promise.all(
    [1, 2, 3].map(
      () =>
        new Promise<string>((done) => {
          const call = request({ host: '127.0.0.1', port, servername: 'site.example.com', rejectUnauthorized: true });
          call.on('response', () => done('accepted'));
          call.on('error', (error) => done(error.message));
          call.end();
        }),
    ),
  );
  assert.deepEqual(refusals, Array(3).fill('self-signed certificate'));
  const ms = await stopTimed(portier);
  // Nothing is in flight: the refused handshakes are already gone, so no grace period is spent.
  assert.ok(ms < GRACE_MS, `exit took ${ms} ms`);
});

test('a TCP session lasts until graceTimeOut, while a client stuck in its handshake does not hold the exit', async () => {
  const { portier, port } = await startClustered();
  const session = await tcpSession(port);
  const sessionClosed = new Promise<number>((done) => session.once('close', () => done(Date.now())));
  // A TLS record header and nothing more: the entry point waits for the rest of the ClientHello.
  const stuck = connect(port, '127.0.0.1', () => stuck.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])));
  const closed = new Promise<void>((done) => stuck.once('close', () => done()));
  stuck.on('error', () => undefined);
  await waitFor(() => stuck.bytesWritten > 0, 2000, 'the partial ClientHello to be sent');
  const begun = Date.now();
  const stopped = stopTimed(portier, begun);
  await sleep(GRACE_MS / 2);
  assert.equal(await roundTrip(session, 'still there'), 'still there', 'the session is drained, not cut at SIGTERM');
  const ms = await stopped;
  // At least the grace period (the session never ends by itself), at most a little more.
  assert.ok(ms >= GRACE_MS - 100, `exit took ${ms} ms, before graceTimeOut (${GRACE_MS} ms)`);
  assert.ok(ms < GRACE_MS + 1000, `exit took ${ms} ms (grace ${GRACE_MS} ms, handshake timeout 10 s)`);
  assert.ok((await sessionClosed) - begun >= GRACE_MS - 100, 'the session was cut before graceTimeOut');
  await closed;
});

test('a TCP session that ends during the grace period lets the process exit then', async () => {
  const { portier, port } = await startClustered();
  const session = await tcpSession(port);
  const stopped = stopTimed(portier);
  await sleep(300);
  session.end();
  const ms = await stopped;
  assert.ok(ms < GRACE_MS - 500, `exit took ${ms} ms though the only TCP session ended after 300 ms`);
});
