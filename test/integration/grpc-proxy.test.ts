import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { EchoClient, failing, grpc, startGrpcServer, streamed, unary } from '../helpers/tls-grpc.js';
import { h2Get } from '../helpers/tls-client.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let ca: TestCert;
let plainPort: number;
let securePort: number;
const closers: (() => Promise<void>)[] = [];
let echo: Upstream;

before(async () => {
  const dir = tempDir();
  ca = makeCa(dir);
  makeLeaf(dir, ca, 'proxy', ['grpc.example.com']);
  const backendCert = makeLeaf(dir, ca, 'backend', ['localhost']);
  const h2c = await startGrpcServer('h2c');
  const tlsBackend = await startGrpcServer(
    'tls',
    grpc.ServerCredentials.createSsl(null, [
      { cert_chain: Buffer.from(backendCert.cert), private_key: Buffer.from(backendCert.key) },
    ]),
  );
  echo = await startEchoUpstream('echo');
  closers.push(h2c.close, tlsBackend.close, () => echo.close());
  [plainPort, securePort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'dynamic.yml'),
    `http:
  routers:
    grpc-plain:
      rule: "PathPrefix(\`/test.Echo/\`)"
      entryPoints: [plain]
      service: h2c-backend
    grpc-secure:
      rule: "Host(\`grpc.example.com\`)"
      entryPoints: [secure]
      service: tls-backend
      tls: {}
    h2c-http:
      rule: "PathPrefix(\`/http\`)"
      entryPoints: [plain]
      service: echo-h2c
  services:
    h2c-backend:
      loadBalancer: { servers: [{ url: "h2c://127.0.0.1:${h2c.port}" }] }
    tls-backend:
      loadBalancer: { servers: [{ url: "https://localhost:${tlsBackend.port}" }] }
    echo-h2c:
      loadBalancer: { servers: [{ url: "http://127.0.0.1:${echo.port}" }] }
tls:
  certificates:
    - { certFile: proxy.crt, keyFile: proxy.key }
`,
  );
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  plain: { address: "127.0.0.1:${plainPort}" }
  secure: { address: "127.0.0.1:${securePort}" }
providers:
  file: { filename: dynamic.yml }
`,
  );
  // The proxy trusts the test CA for the https:// backend, as an operator would add their CA.
  portier = await startPortier(['-c', join(dir, 'portier.yml')], { env: { NODE_EXTRA_CA_CERTS: ca.certFile } });
});

after(async () => {
  await portier?.stop();
  for (const close of closers) await close();
});

function plainClient() {
  return new EchoClient(`127.0.0.1:${plainPort}`, grpc.credentials.createInsecure());
}

function secureClient() {
  return new EchoClient(`127.0.0.1:${securePort}`, grpc.credentials.createSsl(Buffer.from(ca.cert)), {
    'grpc.ssl_target_name_override': 'grpc.example.com',
    'grpc.default_authority': 'grpc.example.com',
  });
}

test('gRPC unary and server streaming over h2c to an h2c:// upstream', async () => {
  const client = plainClient();
  try {
    assert.deepEqual(await unary(client, 'hello'), { text: 'hello', server: 'h2c' });
    const replies = await streamed(client, 'tick', 5);
    assert.deepEqual(
      replies.map((r) => r.text),
      ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4'],
    );
  } finally {
    client.close();
  }
});

test('gRPC status, message and trailing metadata arrive intact', async () => {
  const client = plainClient();
  try {
    const error = await failing(client);
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.details, 'nothing here');
    assert.deepEqual(error.metadata.get('x-reason'), ['no-such-thing']);
  } finally {
    client.close();
  }
});

test('gRPC over TLS (h2 by ALPN) to an https:// upstream spoken in HTTP/2', async () => {
  const client = secureClient();
  try {
    assert.deepEqual(await unary(client, 'secret'), { text: 'secret', server: 'tls' });
    assert.equal((await streamed(client, 's', 3)).length, 3);
    assert.equal((await failing(client)).code, grpc.status.NOT_FOUND);
  } finally {
    client.close();
  }
});

test('plain HTTP/2 clients reach HTTP/1.1 upstreams with host and body intact', async () => {
  const reply = await h2Get(`http://127.0.0.1:${plainPort}`, '/http/x');
  assert.equal(reply.status, 200);
  const seen = JSON.parse(reply.body) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/http/x');
  assert.equal(seen.headers.host, `127.0.0.1:${plainPort}`);
});
