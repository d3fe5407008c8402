import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { makeCa, makeLeaf, type TestCert } from '../helpers/tls-certs.js';
import { tlsGet } from '../helpers/tls-client.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let ca: TestCert;
let clientCert: TestCert;
const servers: Server[] = [];
let http: Upstream;
const ports = {
  tls: 0,
  plain: 0,
  split: 0,
  capped: 0,
  lan: 0,
  byip: 0,
  reencrypt: 0,
  untrusted: 0,
  api: 0,
  mtlsAll: 0,
  mixed: 0,
  banner: 0,
};

/** Starts `server` (an echo server, see `onEachConnection`) on loopback; resolves with its port. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** Makes `server` answer `<tag>:<what it got>` to each chunk. */
function onEachConnection(server: Server, event: string, tag: string): Server {
  server.on(event, (socket: NodeJS.ReadWriteStream) => {
    // The proxy may reset a connection it gives up on; that is not this server's failure.
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => socket.write(`${tag}:${d.toString()}`));
  });
  return server;
}

/** A connection the proxy refused: closed, or reset when the client had already written. */
const CUT_OFF = /closed before an answer|ECONNRESET/;

/** Sends `text` and resolves with the first answer. */
function exchange(socket: NodeJS.ReadWriteStream & { destroy(): void }, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => {
      resolve(d.toString());
      socket.destroy();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('the connection closed before an answer')));
    socket.write(text);
  });
}

function overTls(serverName: string, options: ConnectionOptions = {}, port = ports.tls) {
  return new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: serverName, ca: ca.cert, ...options }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

before(async () => {
  const dir = tempDir();
  ca = makeCa(dir);
  makeLeaf(dir, ca, 'proxy', [
    'term.example.com',
    'web.example.com',
    'mtls.example.com',
    'rx1.example.com',
    'rxm1.example.com',
  ]);
  clientCert = makeLeaf(dir, ca, 'client', ['tcp-client'], true);
  const backendCert = makeLeaf(dir, ca, 'backend', ['pass.example.com', 'IP:127.0.0.1']);
  const strangerCert = makeLeaf(dir, makeCa(dir, 'stranger-ca'), 'stranger', ['IP:127.0.0.1']);
  const stranger = await listen(
    onEachConnection(createTlsServer({ cert: strangerCert.cert, key: strangerCert.key }), 'secureConnection', 'S'),
  );
  const a = await listen(onEachConnection(createServer(), 'connection', 'A'));
  const b = await listen(onEachConnection(createServer(), 'connection', 'B'));
  // A server that speaks first, as SMTP or MySQL do.
  const greeter = await listen(createServer((socket) => socket.end('hello from the server')));
  const passthrough = await listen(
    onEachConnection(createTlsServer({ cert: backendCert.cert, key: backendCert.key }), 'secureConnection', 'P'),
  );
  http = await startEchoUpstream('web');
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  writeFileSync(
    join(dir, 'dynamic.yml'),
    `tcp:
  routers:
    pass:
      rule: "HostSNI(\`pass.example.com\`)"
      entryPoints: [edge]
      service: tls-backend
      tls: { passthrough: true }
    term:
      rule: "HostSNI(\`term.example.com\`)"
      entryPoints: [edge]
      service: only-a
      tls: {}
    mtls:
      rule: "HostSNI(\`mtls.example.com\`)"
      entryPoints: [edge]
      service: only-b
      tls: { options: client-certs }
    everything:
      rule: "HostSNI(\`*\`)"
      entryPoints: [raw]
      service: both
    broken:
      rule: "Path(\`/x\`)"
      entryPoints: [edge]
      service: only-a
    reencrypt:
      rule: "HostSNI(\`*\`)"
      entryPoints: [reencrypt]
      service: tls-dial
    untrusted:
      rule: "HostSNI(\`*\`)"
      entryPoints: [untrusted]
      service: tls-dial-stranger
    split:
      rule: "HostSNI(\`*\`)"
      entryPoints: [split]
      service: three-to-one
    capped:
      rule: "HostSNI(\`*\`)"
      entryPoints: [capped]
      service: only-a
      middlewares: [local-only, two-at-once]
    outsiders:
      rule: "HostSNI(\`*\`)"
      entryPoints: [lan]
      priority: 1000
      service: only-a
      middlewares: [not-loopback]
    fallback:
      rule: "HostSNI(\`*\`)"
      entryPoints: [lan]
      service: only-b
    from-lan:
      rule: "ClientIP(\`10.0.0.0/8\`)"
      entryPoints: [byip]
      priority: 100
      service: only-a
    from-loopback:
      rule: "ClientIP(\`127.0.0.1\`) || ClientIP(\`::1\`)"
      entryPoints: [byip]
      service: only-b
    mtls-regexp:
      rule: "HostSNIRegexp(\`^rxm[0-9]+[.]example[.]com$\`)"
      entryPoints: [edge]
      service: only-b
      tls: { options: client-certs }
    mtls-all:
      rule: "HostSNI(\`*\`)"
      entryPoints: [mtlsall]
      service: only-a
      tls: { options: client-certs }
    mixed-by-ip:
      rule: "ClientIP(\`127.0.0.1\`) || ClientIP(\`::1\`)"
      entryPoints: [mixed]
      service: only-a
    greeted:
      rule: "ClientIP(\`127.0.0.1\`) || ClientIP(\`::1\`)"
      entryPoints: [banner]
      service: greeter
    regexp-alpn:
      rule: 'HostSNIRegexp(\`^rx[0-9]+[.]example[.]com$\`) && ALPN(\`x-echo\`)'
      entryPoints: [edge]
      service: only-b
      tls: {}
  middlewares:
    local-only: { ipAllowList: { sourceRange: ["127.0.0.1/32", "::1"] } }
    not-loopback: { ipAllowList: { sourceRange: ["10.0.0.0/8"] } }
    two-at-once: { inFlightConn: { amount: 2 } }
  services:
    tls-backend: { loadBalancer: { servers: [{ address: "127.0.0.1:${passthrough}" }] } }
    only-a: { loadBalancer: { servers: [{ address: "127.0.0.1:${a}" }] } }
    greeter: { loadBalancer: { servers: [{ address: "127.0.0.1:${greeter}" }] } }
    only-b: { loadBalancer: { servers: [{ address: "127.0.0.1:${b}" }] } }
    both: { loadBalancer: { servers: [{ address: "127.0.0.1:${a}" }, { address: "127.0.0.1:${b}" }] } }
    tls-dial: { loadBalancer: { servers: [{ address: "127.0.0.1:${passthrough}", tls: true }] } }
    tls-dial-stranger: { loadBalancer: { servers: [{ address: "127.0.0.1:${stranger}", tls: true }] } }
    three-to-one: { weighted: { services: [{ name: only-a, weight: 3 }, { name: only-b, weight: 1 }] } }
http:
  routers:
    web:
      rule: "Host(\`web.example.com\`)"
      entryPoints: [edge, mixed]
      service: web
      tls: {}
  services:
    web: { loadBalancer: { servers: [{ url: "${http.url}" }] } }
tls:
  certificates:
    - { certFile: proxy.crt, keyFile: proxy.key }
  options:
    client-certs:
      clientAuth: { caFiles: [ca.crt], clientAuthType: RequireAndVerifyClientCert }
`,
  );
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  edge: { address: "127.0.0.1:${ports.tls}" }
  raw: { address: "127.0.0.1:${ports.plain}" }
  split: { address: "127.0.0.1:${ports.split}" }
  capped: { address: "127.0.0.1:${ports.capped}" }
  lan: { address: "127.0.0.1:${ports.lan}" }
  byip: { address: "127.0.0.1:${ports.byip}" }
  reencrypt: { address: "127.0.0.1:${ports.reencrypt}" }
  untrusted: { address: "127.0.0.1:${ports.untrusted}" }
  mtlsall: { address: "127.0.0.1:${ports.mtlsAll}" }
  mixed: { address: "127.0.0.1:${ports.mixed}" }
  banner: { address: "127.0.0.1:${ports.banner}" }
  traefik: { address: "127.0.0.1:${ports.api}" }
api: { insecure: true, dashboard: false }
providers:
  file: { filename: dynamic.yml }
`,
  );
  // The test CA is trusted by Portier as a system CA would be, for servers dialled with `tls: true`.
  portier = await startPortier(['-c', join(dir, 'portier.yml')], { env: { NODE_EXTRA_CA_CERTS: ca.certFile } });
});

after(async () => {
  await portier?.stop();
  await http?.close();
  for (const server of servers) server.close();
});

test('TLS passthrough: the client talks TLS to the backend itself, chosen by SNI', async () => {
  const socket = await overTls('pass.example.com');
  assert.match(socket.getPeerCertificate().subjectaltname ?? '', /DNS:pass\.example\.com/);
  assert.equal(await exchange(socket, 'hello'), 'P:hello');
});

test('TLS terminated by the proxy, plain TCP to the backend', async () => {
  const socket = await overTls('term.example.com');
  assert.match(socket.getPeerCertificate().subjectaltname ?? '', /DNS:term\.example\.com/);
  assert.equal(await exchange(socket, 'hi'), 'A:hi');
});

test('a TCP router with tls.options requiring client certificates admits only verified clients', async () => {
  // The handshake itself succeeds (our CA, the name's certificate): only then is the client cut off.
  const anonymous = await overTls('mtls.example.com');
  assert.match(anonymous.getPeerCertificate().subjectaltname ?? '', /DNS:mtls\.example\.com/);
  await assert.rejects(exchange(anonymous, 'anonymous'), CUT_OFF);
  const socket = await overTls('mtls.example.com', { cert: clientCert.cert, key: clientCert.key });
  assert.equal(await exchange(socket, 'signed'), 'B:signed');
});

test('tls.options hold whatever the rule matched on: HostSNIRegexp and HostSNI(`*`) routers need the client certificate', async () => {
  for (const [serverName, port, tag] of [
    ['rxm1.example.com', ports.tls, 'B'],
    // web.example.com has no options of its own: only the router's can ask for the certificate.
    ['web.example.com', ports.mtlsAll, 'A'],
  ] as const) {
    await assert.rejects(exchange(await overTls(serverName, {}, port), 'anonymous'), CUT_OFF, serverName);
    const signed = await overTls(serverName, { cert: clientCert.cert, key: clientCert.key }, port);
    assert.equal(await exchange(signed, 'signed'), `${tag}:signed`, serverName);
  }
});

test('a plain ClientIP router leaves TLS clients from its range to the HTTPS routers of its entry point', async () => {
  const reply = await tlsGet(ports.mixed, 'web.example.com', '/mixed', { ca: ca.cert });
  assert.equal(reply.status, 200);
  assert.equal((JSON.parse(reply.body) as { url: string }).url, '/mixed');
  assert.equal(await exchange(netConnect(ports.mixed, '127.0.0.1'), 'plain'), 'A:plain');
});

test('HTTP routers of the same entry point still answer the other names', async () => {
  const reply = await tlsGet(ports.tls, 'web.example.com', '/x', { ca: ca.cert });
  assert.equal(reply.status, 200);
  assert.equal((JSON.parse(reply.body) as { url: string }).url, '/x');
});

test('HostSNI(`*`) on a plain entry point balances raw TCP over its servers, round robin', async () => {
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await exchange(netConnect(ports.plain, '127.0.0.1'), 'x'));
  assert.deepEqual(answers.sort(), ['A:x', 'A:x', 'B:x', 'B:x']);
});

test('a higher-priority router whose ipAllowList refuses the client closes the connection', async () => {
  // `outsiders` (priority 1000, 10.0.0.0/8 only) claims the lan entry point's plain connections,
  // as in Traefik: the lower `fallback` router never sees them, so the client is cut off.
  const router = (await getJson(`/api/tcp/routers/outsiders@file`)) as { status: string };
  assert.equal(router.status, 'enabled');
  await assert.rejects(exchange(netConnect(ports.lan, '127.0.0.1'), 'x'), CUT_OFF);
});

test('ClientIP routes plain connections by client address; a router that does not match passes them on', async () => {
  assert.equal(await exchange(netConnect(ports.byip, '127.0.0.1'), 'who'), 'B:who');
});

test('on an entry point without HTTP routers, a plain router connects before the client sends anything', async () => {
  const socket = netConnect(ports.banner, '127.0.0.1');
  const [greeting] = (await once(socket, 'data', { signal: AbortSignal.timeout(3000) })) as [Buffer];
  socket.destroy();
  assert.equal(greeting.toString(), 'hello from the server');
});

test('HostSNIRegexp && ALPN picks a TLS router by name pattern and offered protocol', async () => {
  const socket = await overTls('rx1.example.com', { ALPNProtocols: ['x-echo'] });
  assert.equal(await exchange(socket, 'rx'), 'B:rx');
  // Without the protocol the TCP router does not match: the HTTPS side answers instead.
  const reply = await tlsGet(ports.tls, 'rx1.example.com', '/', { ca: ca.cert });
  assert.equal(reply.status, 404);
});

test('servers with `tls: true` are dialled over TLS and verified: a server from an unknown CA is cut off', async () => {
  assert.equal(await exchange(netConnect(ports.reencrypt, '127.0.0.1'), 'plain in'), 'P:plain in');
  await assert.rejects(exchange(netConnect(ports.untrusted, '127.0.0.1'), 'x'), CUT_OFF);
});

test('a weighted TCP service shares connections between its services by weight, 3:1', async () => {
  const answers: string[] = [];
  for (let i = 0; i < 8; i++) answers.push(await exchange(netConnect(ports.split, '127.0.0.1'), 'w'));
  assert.deepEqual([answers.filter((a) => a === 'A:w').length, answers.filter((a) => a === 'B:w').length], [6, 2]);
});

test('inFlightConn caps the connections a client IP has open; closing one frees its slot', async () => {
  const open = [netConnect(ports.capped, '127.0.0.1'), netConnect(ports.capped, '127.0.0.1')];
  // Each is counted once the proxy has joined it to the backend: a round trip proves it.
  await Promise.all(open.map((socket) => echoOnce(socket, 'k')));
  await assert.rejects(exchange(netConnect(ports.capped, '127.0.0.1'), 'third'), CUT_OFF);
  const closed = open.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
  for (const socket of open) socket.end();
  await Promise.all(closed);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await exchange(netConnect(ports.capped, '127.0.0.1'), 'again'), 'A:again');
});

test('an HTTP matcher in a TCP rule disables that router: the API shows it with the reason, the log names it', async () => {
  const router = (await getJson('/api/tcp/routers/broken@file')) as { status: string; error: string[] };
  assert.equal(router.status, 'disabled');
  assert.match(router.error[0]!, /^rule: "Path" is not a TCP matcher; use HostSNI, HostSNIRegexp, ClientIP, ALPN/);
  assert.match(portier.logs(), /TCP router broken@file: rule: \\"Path\\" is not a TCP matcher/);
  const overview = (await getJson('/api/overview')) as { tcp: { routers: { total: number; errors: number } } };
  assert.deepEqual(overview.tcp.routers, { total: 18, warnings: 0, errors: 1 });
  const weighted = (await getJson('/api/tcp/services/three-to-one@file')) as { type: string; usedBy: string[] };
  assert.equal(weighted.type, 'weighted');
  assert.deepEqual(weighted.usedBy, ['split@file']);
});

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${ports.api}${path}`);
  assert.equal(response.status, 200, path);
  return response.json();
}

/** Writes `text` and waits for its echo, leaving the connection open. */
function echoOnce(socket: ReturnType<typeof netConnect>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => resolve());
    socket.write(text);
  });
}
