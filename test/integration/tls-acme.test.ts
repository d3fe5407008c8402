import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { tlsGet } from '../helpers/tls-client.js';
import { startPebble, type Pebble } from '../helpers/tls-pebble.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let pebble: Pebble;
let portier: RunningPortier;
let upstream: Upstream;
let dir: string;
let localCa: TestCert;
let expiring: TestCert;
const ports = { web: 0, websecure: 0 };

before(async () => {
  dir = tempDir();
  localCa = makeCa(dir);
  [ports.web, ports.websecure] = [await freePort(), await freePort()];
  pebble = await startPebble(dir, localCa, { httpPort: ports.web, tlsPort: ports.websecure });
  upstream = await startEchoUpstream('echo');
  // A certificate close to expiry, as a previous run would have left it: it must be renewed.
  expiring = makeLeaf(dir, localCa, 'expiring', ['renew.example.com']);
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  writeFileSync(
    join(dir, 'acme.json'),
    JSON.stringify({
      http01: {
        Certificates: [
          {
            domain: { main: 'renew.example.com' },
            certificate: b64(expiring.cert),
            key: b64(expiring.key),
            Store: 'default',
          },
        ],
      },
    }),
  );
  const acme = (challenge: string) =>
    `{ email: ops@example.com, storage: acme.json, caServer: "${pebble.directory}", ${challenge} }`;
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  web: { address: "127.0.0.1:${ports.web}" }
  websecure: { address: "127.0.0.1:${ports.websecure}" }
certificatesResolvers:
  http01: { acme: ${acme('httpChallenge: { entryPoint: web }')} }
  alpn: { acme: ${acme('tlsChallenge: {}')} }
providers:
  file: { filename: dynamic.yml }
`,
  );
  writeFileSync(
    join(dir, 'dynamic.yml'),
    `http:
  routers:
    by-http:
      rule: "Host(\`http01.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { certResolver: http01 }
    by-alpn:
      rule: "Host(\`alpn.example.com\`) || Host(\`www.alpn.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { certResolver: alpn }
    renewing:
      rule: "Host(\`renew.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { certResolver: http01 }
  services:
    echo: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
  );
  // certificatesDuration is Traefik's 90 days: the 1-day certificate above is due for renewal.
  portier = await startPortier(['-c', join(dir, 'portier.yml')], {
    env: { NODE_EXTRA_CA_CERTS: localCa.certFile },
  });
});

after(async () => {
  await portier?.stop();
  await pebble?.stop();
  await upstream?.close();
});

async function servedBy(serverName: string) {
  const root = await pebble.root();
  const reply = await tlsGet(ports.websecure, serverName, '/', { ca: root });
  return { reply, cert: reply.peer };
}

test('HTTP-01: a certificate is obtained for the Host of a router and served, trusted by the CA root', async () => {
  await waitFor(
    () => /"domains":\["http01\.example\.com"\][^\n]*certificate obtained/.test(portier.logs()),
    30_000,
    'HTTP-01 issuance',
  );
  await waitFor(async () => (await servedBy('http01.example.com')).reply.status === 200, 10_000, 'served');
  const { cert } = await servedBy('http01.example.com');
  assert.match(cert.subjectaltname ?? '', /DNS:http01\.example\.com/);
});

test('TLS-ALPN-01: one certificate for all Host names of the rule', async () => {
  await waitFor(
    async () => (await servedBy('www.alpn.example.com')).reply.status === 200,
    30_000,
    'TLS-ALPN-01 issuance',
  );
  const { cert } = await servedBy('alpn.example.com');
  assert.match(cert.subjectaltname ?? '', /DNS:alpn\.example\.com/);
  assert.match(cert.subjectaltname ?? '', /DNS:www\.alpn\.example\.com/);
});

test('a stored certificate close to expiry is renewed and the storage file rewritten (mode 0600)', async () => {
  await waitFor(() => /certificate renewed/.test(portier.logs()), 30_000, 'renewal');
  const { cert } = await servedBy('renew.example.com');
  assert.notEqual(cert.fingerprint256, new X509Certificate(expiring.cert).fingerprint256);
  const stored = JSON.parse(readFileSync(join(dir, 'acme.json'), 'utf8')) as Record<
    string,
    { Account?: { Registration?: { uri?: string } }; Certificates: { domain: { main: string } }[] }
  >;
  assert.ok(stored.http01?.Account?.Registration?.uri, 'account kept');
  assert.deepEqual(stored.http01?.Certificates.map((c) => c.domain.main).sort(), [
    'http01.example.com',
    'renew.example.com',
  ]);
  assert.deepEqual(
    stored.alpn?.Certificates.map((c) => c.domain.main),
    ['alpn.example.com'],
  );
  assert.equal(statSync(join(dir, 'acme.json')).mode & 0o777, 0o600);
});
