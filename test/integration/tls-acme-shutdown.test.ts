/**
 * SIGTERM with a cluster store configured (whose Redis connections keep the process alive until
 * shutdown closes them): TLS clients that refused the certificate, or that never finish their
 * handshake, must not hold the exit past the entry point's graceTimeOut.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';

const GRACE_MS = 1500;
let redis: KvServer;
const started: RunningPortier[] = [];

before(async () => {
  redis = await startKvServer('redis');
});

after(async () => {
  for (const portier of started) if (portier.process.exitCode === null) portier.process.kill('SIGKILL');
  await redis?.stop();
});

/** Portier with a TLS entry point served by the default self-signed certificate, and cluster.redis. */
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
`,
  });
  const portier = await startPortier(['-c', join(dir, 'portier.yml')]);
  started.push(portier);
  return { portier, port };
}

/** SIGTERM, then the time until the process exited (or a failure once twice the grace has passed). */
async function stopTimed(portier: RunningPortier): Promise<number> {
  const begun = Date.now();
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

test('a client stuck in its handshake is cut off within graceTimeOut, not at its handshake timeout', async () => {
  const { portier, port } = await startClustered();
  // A TLS record header and nothing more: the entry point waits for the rest of the ClientHello.
  const stuck = connect(port, '127.0.0.1', () => stuck.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])));
  const closed = new Promise<void>((done) => stuck.once('close', () => done()));
  stuck.on('error', () => undefined);
  await waitFor(() => stuck.bytesWritten > 0, 2000, 'the partial ClientHello to be sent');
  const ms = await stopTimed(portier);
  assert.ok(ms < GRACE_MS + 1000, `exit took ${ms} ms (grace ${GRACE_MS} ms, handshake timeout 10 s)`);
  await closed;
});
