import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { h2Get, tlsGet } from '../helpers/tls-client.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let upstream: Upstream;
let dir: string;
let ca: TestCert;
let client: TestCert;
const ports = { web: 0, websecure: 0, mixed: 0 };

function dynamic(extra = ''): string {
  return `
http:
  routers:
    secure:
      rule: "PathPrefix(\`/\`)"
      entryPoints: [websecure]
      service: echo
    strict:
      rule: "Host(\`mtls.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { options: mtls }
    modern:
      rule: "Host(\`modern.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { options: tls13 }
    typo:
      rule: "Host(\`typo.example.com\`)"
      entryPoints: [websecure]
      service: echo
      tls: { options: badcipher }
    tls-only:
      rule: "PathPrefix(\`/tls\`)"
      entryPoints: [mixed]
      service: echo
      tls: {}
    plain-only:
      rule: "PathPrefix(\`/plain\`)"
      entryPoints: [mixed]
      service: echo
  services:
    echo:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
tls:
  certificates:
    - { certFile: a.crt, keyFile: a.key }
    - { certFile: wild.crt, keyFile: wild.key }
    - { certFile: b.crt, keyFile: a.key }
    - { certFile: missing.crt, keyFile: missing.key }
    - { certFile: mtls.crt, keyFile: mtls.key }
${extra}
  options:
    mtls:
      clientAuth: { caFiles: [ca.crt], clientAuthType: RequireAndVerifyClientCert }
    tls13:
      minVersion: VersionTLS13
    badcipher:
      cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_NOT_A_CIPHER]
`;
}

before(async () => {
  upstream = await startEchoUpstream('echo');
  [ports.web, ports.websecure, ports.mixed] = [await freePort(), await freePort(), await freePort()];
  dir = tempDir();
  ca = makeCa(dir);
  makeLeaf(dir, ca, 'a', ['a.example.com']);
  makeLeaf(dir, ca, 'wild', ['*.wild.example.com']);
  makeLeaf(dir, ca, 'b', ['b.example.com']);
  makeLeaf(dir, ca, 'mtls', ['mtls.example.com', 'modern.example.com', 'typo.example.com']);
  client = makeLeaf(dir, ca, 'client', ['client.example.com'], true);
  writeFileSync(join(dir, 'dynamic.yml'), dynamic());
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  web:
    address: "127.0.0.1:${ports.web}"
    http:
      redirections:
        entryPoint: { to: websecure }
  websecure:
    address: "127.0.0.1:${ports.websecure}"
    http:
      tls: {}
    transport:
      respondingTimeouts: { readTimeout: 1s, idleTimeout: 1s }
  mixed:
    address: "127.0.0.1:${ports.mixed}"
providers:
  file: { filename: dynamic.yml, watch: true }
`,
  );
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  await upstream?.close();
});

test('certificates are chosen by SNI, exact names and one-label wildcards', async () => {
  const exact = await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert });
  assert.equal(exact.status, 200);
  assert.match(exact.peer.subjectaltname ?? '', /DNS:a\.example\.com/);
  assert.equal(JSON.parse(exact.body).headers['x-forwarded-proto'], 'https');

  const wild = await tlsGet(ports.websecure, 'x.wild.example.com', '/', { ca: ca.cert });
  assert.match(wild.peer.subjectaltname ?? '', /\*\.wild\.example\.com/);
  const tooDeep = await tlsGet(ports.websecure, 'y.x.wild.example.com', '/', { rejectUnauthorized: false });
  assert.equal(tooDeep.peer.subject?.CN, 'PORTIER DEFAULT CERT');
});

test('a certificate with a missing file or a foreign key is disabled with an error naming it', async () => {
  const b = await tlsGet(ports.websecure, 'b.example.com', '/', { rejectUnauthorized: false });
  assert.equal(b.status, 200, 'still served, with the default certificate');
  assert.equal(b.peer.subject?.CN, 'PORTIER DEFAULT CERT');
  assert.match(portier.logs(), /tls\.certificates\[2\]\.keyFile: the key does not belong to the certificate \\"b\.crt/);
  assert.match(portier.logs(), /tls\.certificates\[3\]\.certFile: cannot read \\"missing\.crt/);
});

test('an entry point with http.tls serves its routers over TLS only; plain requests find nothing', async () => {
  const plain = await get(`http://127.0.0.1:${ports.websecure}/`);
  assert.equal(plain.status, 404);
});

test('on one entry point, routers with tls answer TLS clients and the others plain clients', async () => {
  assert.equal((await get(`http://127.0.0.1:${ports.mixed}/plain`)).status, 200);
  assert.equal((await get(`http://127.0.0.1:${ports.mixed}/tls`)).status, 404);
  const secure = await tlsGet(ports.mixed, 'a.example.com', '/tls', { ca: ca.cert });
  assert.equal(secure.status, 200);
  assert.equal((await tlsGet(ports.mixed, 'a.example.com', '/plain', { ca: ca.cert })).status, 404);
});

test('http.redirections.entryPoint redirects plain requests to the TLS entry point, permanently', async () => {
  const reply = await get(`http://127.0.0.1:${ports.web}/some/path?q=1`, { headers: { host: 'a.example.com' } });
  assert.equal(reply.status, 301);
  assert.equal(reply.headers.location, `https://a.example.com:${ports.websecure}/some/path?q=1`);
});

test('HTTP/2 over TLS by ALPN, and h2c with prior knowledge', async () => {
  const h2 = await h2Get(`https://127.0.0.1:${ports.websecure}`, '/h2', { ca: ca.cert, servername: 'a.example.com' });
  assert.equal(h2.status, 200);
  assert.equal(JSON.parse(h2.body).url, '/h2');
  const h2c = await h2Get(`http://127.0.0.1:${ports.mixed}`, '/plain/h2c');
  assert.equal(h2c.status, 200);
  assert.equal(JSON.parse(h2c.body).url, '/plain/h2c');
});

test('tls.options: client certificates required and verified against caFiles', async () => {
  await assert.rejects(tlsGet(ports.websecure, 'mtls.example.com', '/', { ca: ca.cert }));
  const withCert = await tlsGet(ports.websecure, 'mtls.example.com', '/', {
    ca: ca.cert,
    cert: client.cert,
    key: client.key,
  });
  assert.equal(withCert.status, 200);
  const stranger = makeCa(dir, 'other-ca');
  const foreign = makeLeaf(dir, stranger, 'foreign', ['client.example.com'], true);
  await assert.rejects(
    tlsGet(ports.websecure, 'mtls.example.com', '/', { ca: ca.cert, cert: foreign.cert, key: foreign.key }),
  );
  // Other hosts on the same port are not asked for a certificate.
  assert.equal((await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert })).status, 200);
});

test('tls.options: minVersion applies to its hosts; an unknown cipher disables that option set and refuses its hosts', async () => {
  await assert.rejects(tlsGet(ports.websecure, 'modern.example.com', '/', { ca: ca.cert, maxVersion: 'TLSv1.2' }));
  assert.equal((await tlsGet(ports.websecure, 'modern.example.com', '/', { ca: ca.cert })).status, 200);
  assert.equal(
    (await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert, maxVersion: 'TLSv1.2' })).status,
    200,
  );
  assert.match(
    portier.logs(),
    /tls\.options\.badcipher@file\.cipherSuites\[1\]: unknown cipher suite \\"TLS_NOT_A_CIPHER/,
  );
  // Failing closed: serving typo.example.com with the default options would drop what its options demand.
  await assert.rejects(
    tlsGet(ports.websecure, 'typo.example.com', '/', { ca: ca.cert }),
    /handshake|ECONNRESET|socket hang up|alert|disconnected before secure TLS/i,
  );
});

test('silent and slow clients are cut after the handshake timeout without stalling others', async () => {
  const idle: Socket[] = [];
  for (let i = 0; i < 50; i++) idle.push(netConnect(ports.websecure, '127.0.0.1'));
  const partial = netConnect(ports.websecure, '127.0.0.1');
  partial.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello that never completes
  const started = Date.now();
  assert.equal((await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert })).status, 200);
  assert.ok(Date.now() - started < 1000, 'served at once');
  const closed = [...idle, partial].map((s) => new Promise<void>((done) => s.on('close', () => done())));
  await Promise.race([
    Promise.all(closed),
    new Promise((_, fail) => setTimeout(() => fail(new Error('idle sockets were not closed')), 4000)),
  ]);
});

test('replacing a certificate file on disk is picked up without a configuration change', async () => {
  const renewed = makeLeaf(dir, ca, 'a-renewed', ['a.example.com', 'renewed.example.com']);
  const before = await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert });
  copyFileSync(renewed.keyFile, join(dir, 'a.key'));
  copyFileSync(renewed.certFile, join(dir, 'a.crt'));
  await waitFor(
    async () => {
      const now = await tlsGet(ports.websecure, 'a.example.com', '/', { ca: ca.cert });
      return now.peer.fingerprint256 !== before.peer.fingerprint256 && /renewed/.test(now.peer.subjectaltname ?? '');
    },
    6000,
    'the renewed certificate',
  );
});

test('the default certificate comes from tls.stores.default when configured', async () => {
  writeFileSync(
    join(dir, 'dynamic.yml'),
    dynamic().replace(
      '  options:',
      '  stores:\n    default:\n      defaultCertificate: { certFile: b.crt, keyFile: b.key }\n  options:',
    ),
  );
  await waitFor(
    async () =>
      /b\.example\.com/.test(
        (await tlsGet(ports.websecure, 'nobody.example.com', '/', { rejectUnauthorized: false })).peer.subjectaltname ??
          '',
      ),
    5000,
    'the configured default certificate',
  );
});

test('idle HTTP/2 connections are closed after idleTimeout', async () => {
  const session = connectHttp2(`https://127.0.0.1:${ports.websecure}`, { ca: ca.cert, servername: 'a.example.com' });
  session.on('error', () => undefined);
  const stream = session.request({ ':path': '/' });
  stream.resume();
  await new Promise((done) => stream.on('end', done));
  const started = Date.now();
  await Promise.race([
    new Promise((done) => session.on('close', done)),
    new Promise((_, fail) => setTimeout(() => fail(new Error('the idle session stayed open')), 4000)),
  ]);
  assert.ok(Date.now() - started < 3000, 'closed by the proxy');
  session.destroy();
});
