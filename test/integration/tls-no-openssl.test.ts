import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { tlsGet } from '../helpers/tls-client.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

// Portier on a PATH without openssl: no generated default certificate, yet the API answers and
// the configured certificates serve.
let portier: RunningPortier;
let upstream: Upstream;
let ca: TestCert;
const ports = { edge: 0, api: 0 };
const OPENSSL_ERROR = /cannot generate the default TLS certificate with openssl/g;

before(async () => {
  ports.edge = await freePort();
  ports.api = await freePort();
  upstream = await startEchoUpstream('echo');
  const dir = tempDir();
  ca = makeCa(dir);
  makeLeaf(dir, ca, 'known', ['known.test']);
  const config = tempDir({
    'dynamic.yml': `http:
  routers:
    known: { rule: "Host(\`known.test\`) || Host(\`other.test\`)", service: echo, tls: {} }
  services:
    echo: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - { certFile: ${join(dir, 'known.crt')}, keyFile: ${join(dir, 'known.key')} }
`,
    'portier.yml': `entryPoints:
  edge: { address: "127.0.0.1:${ports.edge}" }
  traefik: { address: "127.0.0.1:${ports.api}" }
api: { insecure: true, dashboard: false }
providers:
  file: { filename: dynamic.yml }
`,
  });
  portier = await startPortier(['-c', join(config, 'portier.yml')], { env: { PATH: dir } });
});

after(async () => {
  await portier?.stop();
  await upstream?.close();
});

test('the API answers, listing only the configured certificate', async () => {
  for (const path of ['/api/http/routers', '/api/overview', '/api/rawdata']) {
    assert.equal((await fetch(`http://127.0.0.1:${ports.api}${path}`)).status, 200, path);
  }
  const certificates = (await (await fetch(`http://127.0.0.1:${ports.api}/api/certificates`)).json()) as {
    domains: string[];
    isDefault: boolean;
  }[];
  assert.deepEqual(
    certificates.map((c) => [c.domains, c.isDefault]),
    [[['known.test'], false]],
  );
});

test('a configured name is served; a name without certificate is refused; the cause is logged once', async () => {
  const reply = await tlsGet(ports.edge, 'known.test', '/', { ca: ca.cert });
  assert.equal(reply.status, 200);
  await assert.rejects(tlsGet(ports.edge, 'other.test', '/', { ca: ca.cert }), /ECONNRESET|socket disconnected/);
  await assert.rejects(tlsGet(ports.edge, 'other.test', '/', { ca: ca.cert }), /ECONNRESET|socket disconnected/);
  const logged = portier.logs().match(OPENSSL_ERROR) ?? [];
  assert.equal(logged.length, 1, portier.logs());
  assert.match(portier.logs(), /Install openssl or configure tls\.stores\.default\.defaultCertificate/);
});
