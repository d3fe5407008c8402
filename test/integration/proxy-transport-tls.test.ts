import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '../helpers/portier.js';
import { send } from '../helpers/proxy-harness.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import {
  makeUriLeaf,
  startHttp2Upstream,
  startHttpsUpstream,
  transportRig,
  type CountedUpstream,
} from '../helpers/transport-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'portier-transport-'));
let ca: TestCert;
let otherCa: TestCert;
let localLeaf: TestCert;
let internalLeaf: TestCert;
let clientLeaf: TestCert;
const upstreams: CountedUpstream[] = [];
const rig = transportRig();

async function tracked(starting: Promise<CountedUpstream>): Promise<CountedUpstream> {
  const started = await starting;
  upstreams.push(started);
  return started;
}

function upstream(...args: Parameters<typeof startHttpsUpstream>): Promise<CountedUpstream> {
  return tracked(startHttpsUpstream(...args));
}

before(() => {
  ca = makeCa(dir);
  otherCa = makeCa(dir, 'other');
  localLeaf = makeLeaf(dir, ca, 'local', ['localhost', 'IP:127.0.0.1']);
  internalLeaf = makeLeaf(dir, ca, 'internal', ['backend.internal']);
  clientLeaf = makeLeaf(dir, ca, 'client', ['portier-client'], true);
});

after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an https upstream with an untrusted certificate: 502 by default, 200 with insecureSkipVerify or its CA in rootCAs', async () => {
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key });
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'plain@file': { loadBalancer: { servers } },
      'skip@file': { loadBalancer: { servers, serversTransport: 'skip' } },
      'trusted@file': { loadBalancer: { servers, serversTransport: 'trusted' } },
      'wrongca@file': { loadBalancer: { servers, serversTransport: 'wrongca@file' } },
    },
    {
      'skip@file': { insecureSkipVerify: true },
      'trusted@file': { rootCAs: [ca.certFile] },
      'wrongca@file': { rootCAs: [otherCa.cert] },
    },
  );
  assert.equal((await send(proxies['plain@file']!.url!)).status, 502);
  assert.equal((await send(proxies['wrongca@file']!.url!)).status, 502);
  assert.deepEqual(await send(proxies['skip@file']!.url!).then((a) => [a.status, a.body]), [200, 'ok']);
  assert.deepEqual(await send(proxies['trusted@file']!.url!).then((a) => [a.status, a.body]), [200, 'ok']);
  assert.equal(backend.seen.length, 2, 'the failed handshakes sent no request');
});

test('the certificate is checked against the server URL or serverName, never the client Host; SNI follows', async () => {
  const backend = await upstream({ cert: internalLeaf.cert, key: internalLeaf.key });
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'byip@file': { loadBalancer: { servers, serversTransport: 'ca' } },
      'named@file': { loadBalancer: { servers, serversTransport: 'named' } },
    },
    { 'ca@file': { rootCAs: [ca.cert] }, 'named@file': { rootCAs: [ca.cert], serverName: 'backend.internal' } },
  );
  // The client asks for the name on the certificate, but the server URL is an IP it does not hold.
  const asked = { headers: { host: 'backend.internal' } };
  assert.equal((await send(proxies['byip@file']!.url!, asked)).status, 502);
  const named = await send(proxies['named@file']!.url!, { headers: { host: 'public.example' } });
  assert.deepEqual([named.status, named.body], [200, 'ok']);
  assert.equal(backend.seen.at(-1)?.servername, 'backend.internal');
});

test('mutual TLS: an upstream requiring a client certificate gets the one in certificates', async () => {
  const backend = await upstream({
    cert: localLeaf.cert,
    key: localLeaf.key,
    ca: ca.cert,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'anonymous@file': { loadBalancer: { servers, serversTransport: 'anonymous' } },
      'mtls@file': { loadBalancer: { servers, serversTransport: 'mtls' } },
    },
    {
      'anonymous@file': { rootCAs: [ca.certFile] },
      'mtls@file': {
        rootCAs: [ca.certFile],
        certificates: [{ certFile: clientLeaf.certFile, keyFile: clientLeaf.keyFile }],
      },
    },
  );
  assert.equal((await send(proxies['anonymous@file']!.url!)).status, 502);
  const answer = await send(proxies['mtls@file']!.url!);
  assert.deepEqual([answer.status, answer.body], [200, 'ok']);
  assert.equal(backend.seen.at(-1)?.clientCn, 'portier-client');
});

test('responseHeaderTimeout of a named transport answers 504; without one the answer is awaited', async () => {
  // undici checks header timeouts on a tick of about half a second: the answer must come later than that.
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key }, (_req, res) => {
    setTimeout(() => res.end('late'), 1600).unref();
  });
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'patient@file': { loadBalancer: { servers, serversTransport: 'patient' } },
      'hasty@file': { loadBalancer: { servers, serversTransport: 'hasty' } },
    },
    {
      'patient@file': { insecureSkipVerify: true },
      'hasty@file': { insecureSkipVerify: true, forwardingTimeouts: { responseHeaderTimeout: '100ms' } },
    },
  );
  const [hasty, patient] = await Promise.all([send(proxies['hasty@file']!.url!), send(proxies['patient@file']!.url!)]);
  assert.equal(hasty.status, 504);
  assert.deepEqual([patient.status, patient.body], [200, 'late']);
});

test('a missing serversTransport disables only the service naming it, with a did-you-mean', async () => {
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key });
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'typo@file': { loadBalancer: { servers, serversTransport: 'insecur' } },
      'other@docker': { loadBalancer: { servers, serversTransport: 'insecure@file' } },
      'fine@file': { loadBalancer: { servers, serversTransport: 'insecure' } },
    },
    { 'insecure@file': { insecureSkipVerify: true } },
  );
  assert.match(
    proxies['typo@file']!.error!,
    /serversTransport "insecur@file" does not exist; did you mean "insecure@file"\?/,
  );
  assert.equal(proxies['other@docker']!.error, undefined, 'a qualified name reaches another provider');
  assert.equal((await send(proxies['fine@file']!.url!)).status, 200);
});

test('peerCertURI: the certificate must carry that URI SAN, whatever its host names', async () => {
  const spiffeLeaf = makeUriLeaf(dir, ca, 'spiffe', 'spiffe://example.org/backend');
  const backend = await tracked(startHttpsUpstream({ cert: spiffeLeaf.cert, key: spiffeLeaf.key }));
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'right@file': { loadBalancer: { servers, serversTransport: 'right' } },
      'wrong@file': { loadBalancer: { servers, serversTransport: 'wrong' } },
    },
    {
      'right@file': { rootCAs: [ca.cert], peerCertURI: 'spiffe://example.org/backend' },
      'wrong@file': { rootCAs: [ca.cert], peerCertURI: 'spiffe://example.org/other' },
    },
  );
  assert.equal((await send(proxies['right@file']!.url!)).status, 200, 'the IP in the URL is not checked');
  assert.equal((await send(proxies['wrong@file']!.url!)).status, 502);
});

test('gRPC to an https server goes over HTTP/2 with the transport TLS settings; disableHTTP2 sends HTTP/1.1', async () => {
  const versions: string[] = [];
  const backend = await tracked(
    startHttp2Upstream({ cert: localLeaf.cert, key: localLeaf.key }, (req, res) => {
      versions.push(req.httpVersion);
      res.end('ok');
    }),
  );
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'h2@file': { loadBalancer: { servers, serversTransport: 'h2' } },
      'h1@file': { loadBalancer: { servers, serversTransport: 'h1' } },
    },
    { 'h2@file': { rootCAs: [ca.cert] }, 'h1@file': { rootCAs: [ca.cert], disableHTTP2: true } },
  );
  const grpc = { method: 'POST', headers: { 'content-type': 'application/grpc' }, body: '' };
  assert.equal((await send(proxies['h2@file']!.url!, grpc)).status, 200);
  assert.equal((await send(proxies['h1@file']!.url!, grpc)).status, 200);
  assert.deepEqual(versions, ['2.0', '1.1']);
});

test('an IP server gets no SNI, and requests for different Hosts share its connection', async () => {
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key });
  const proxies = await rig.apply(
    { 'byip@file': { loadBalancer: { servers: [{ url: backend.url }], serversTransport: 'ca' } } },
    { 'ca@file': { rootCAs: [ca.cert] } },
  );
  for (const host of ['a.example', 'b.example', 'a.example']) {
    assert.equal((await send(proxies['byip@file']!.url!, { headers: { host } })).status, 200);
  }
  assert.deepEqual(
    backend.seen.map((seen) => seen.servername),
    ['', '', ''],
  );
  assert.equal(backend.accepted, 1);
});

test('a WebSocket to a wss:// server is upgraded over TLS with the transport settings', async () => {
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key, ca: ca.cert, requestCert: true });
  const wss = new WebSocketServer({ server: backend.server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
  const servers = [{ url: backend.url }];
  const proxies = await rig.apply(
    {
      'untrusted@file': { loadBalancer: { servers } },
      'mtls@file': { loadBalancer: { servers, serversTransport: 'mtls' } },
    },
    { 'mtls@file': { rootCAs: [ca.cert], certificates: [{ certFile: clientLeaf.cert, keyFile: clientLeaf.key }] } },
  );
  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url.replace('http:', 'ws:'));
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  await assert.rejects(open(proxies['untrusted@file']!.url!), /Unexpected server response: 502/);
  const socket = await open(proxies['mtls@file']!.url!);
  const reply = new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
  socket.send('hi');
  assert.equal(await reply, 'echo:hi');
  socket.close();
  for (const client of wss.clients) client.terminate();
  wss.close();
  assert.equal(backend.seen.length, 0, 'upgrades bypass the request handler');
});

test('health checks of an https server use the service transport, so a trusted server stays up', async () => {
  const backend = await upstream({ cert: localLeaf.cert, key: localLeaf.key });
  const loadBalancer = { servers: [{ url: backend.url }], healthCheck: { path: '/health', interval: '1s' } };
  const proxies = await rig.apply(
    {
      'checked@file': { loadBalancer: { ...loadBalancer, serversTransport: 'trusted' } },
      'untrusted@file': { loadBalancer },
    },
    { 'trusted@file': { rootCAs: [ca.cert] } },
  );
  const untrusted = proxies['untrusted@file']!.url!;
  await waitFor(async () => (await send(untrusted)).status === 503);
  assert.equal((await send(proxies['checked@file']!.url!)).status, 200);
  assert.ok(backend.seen.length >= 2, 'the trusted checker reached the server');
});
