import assert from 'node:assert/strict';
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
const servers: Server[] = [];
let http: Upstream;
const ports = { tls: 0, plain: 0 };

/** Starts `server` (an echo server, see `onEachConnection`) on loopback; resolves with its port. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** Makes `server` answer `<tag>:<what it got>` to each chunk. */
function onEachConnection(server: Server, event: string, tag: string): Server {
  server.on(event, (socket: NodeJS.ReadWriteStream) =>
    socket.on('data', (d: Buffer) => socket.write(`${tag}:${d.toString()}`)),
  );
  return server;
}

/** Sends `text` and resolves with the first answer. */
function exchange(socket: NodeJS.ReadWriteStream & { destroy(): void }, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => {
      resolve(d.toString());
      socket.destroy();
    });
    socket.once('error', reject);
    socket.write(text);
  });
}

function overTls(serverName: string, options: ConnectionOptions = {}) {
  return new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port: ports.tls, servername: serverName, ca: ca.cert, ...options },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

before(async () => {
  const dir = tempDir();
  ca = makeCa(dir);
  makeLeaf(dir, ca, 'proxy', ['term.example.com', 'web.example.com']);
  const backendCert = makeLeaf(dir, ca, 'backend', ['pass.example.com']);
  const a = await listen(onEachConnection(createServer(), 'connection', 'A'));
  const b = await listen(onEachConnection(createServer(), 'connection', 'B'));
  const passthrough = await listen(
    onEachConnection(createTlsServer({ cert: backendCert.cert, key: backendCert.key }), 'secureConnection', 'P'),
  );
  http = await startEchoUpstream('web');
  [ports.tls, ports.plain] = [await freePort(), await freePort()];
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
    everything:
      rule: "HostSNI(\`*\`)"
      entryPoints: [raw]
      service: both
    broken:
      rule: "HostSNIRegexp(\`.*\`)"
      entryPoints: [edge]
      service: only-a
  services:
    tls-backend: { loadBalancer: { servers: [{ address: "127.0.0.1:${passthrough}" }] } }
    only-a: { loadBalancer: { servers: [{ address: "127.0.0.1:${a}" }] } }
    both: { loadBalancer: { servers: [{ address: "127.0.0.1:${a}" }, { address: "127.0.0.1:${b}" }] } }
http:
  routers:
    web:
      rule: "Host(\`web.example.com\`)"
      entryPoints: [edge]
      service: web
      tls: {}
  services:
    web: { loadBalancer: { servers: [{ url: "${http.url}" }] } }
tls:
  certificates:
    - { certFile: proxy.crt, keyFile: proxy.key }
`,
  );
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:
  edge: { address: "127.0.0.1:${ports.tls}" }
  raw: { address: "127.0.0.1:${ports.plain}" }
providers:
  file: { filename: dynamic.yml }
`,
  );
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
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

test('an unsupported TCP rule disables that router with an error naming it', () => {
  assert.match(portier.logs(), /tcp\.routers\.broken@file\.rule: .*HostSNIRegexp.* is not supported/);
});
