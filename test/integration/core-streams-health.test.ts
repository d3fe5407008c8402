import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { echo, get } from '../helpers/http.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

let portier: RunningPortier;
let base: string;
let apiBase: string;
let flaky: Upstream;
let steady: Upstream;
let flakyPort: number;
const closers: (() => unknown)[] = [];

/** An upstream that hashes whatever body it receives, to check a large upload arrived intact. */
async function startHashingUpstream(): Promise<string> {
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(
    () => wss.close(),
    () => server.close(),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  const hashing = await startHashingUpstream();
  flaky = await startEchoUpstream('flaky');
  flakyPort = flaky.port;
  steady = await startEchoUpstream('steady');
  const [port, apiPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  apiBase = `http://127.0.0.1:${apiPort}`;
  const dir = tempDir({
    'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${port}"\n  traefik:\n    address: "127.0.0.1:${apiPort}"\napi:\n  insecure: true\nproviders:\n  file:\n    filename: dynamic.yml\n`,
    'dynamic.yml': `
http:
  routers:
    streams:
      rule: "Host(\`streams.test\`)"
      service: hashing
    checked:
      rule: "Host(\`checked.test\`)"
      service: checked
  services:
    hashing:
      loadBalancer:
        servers: [{ url: "${hashing}" }]
    checked:
      loadBalancer:
        servers: [{ url: "${flaky.url}" }, { url: "${steady.url}" }]
        healthCheck:
          path: /health
          interval: 100ms
          timeout: 500ms
`,
  });
  portier = await startPortier(['-c', `${dir}/portier.yml`]);
});

after(async () => {
  await portier?.stop();
  await Promise.all([flaky.close(), steady.close()]);
  for (const close of closers) close();
});

test('a WebSocket connection is proxied both ways', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${new URL(base).port}/chat`, { headers: { host: 'streams.test' } });
  const reply = await new Promise<string>((resolve, reject) => {
    socket.on('open', () => socket.send('hello'));
    socket.on('message', (data) => resolve(String(data)));
    socket.on('error', reject);
  });
  assert.equal(reply, 'echo:hello');
  socket.close();
});

test('a 64 MiB chunked upload streams through intact, with Expect: 100-continue', async () => {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const expected = createHash('sha256');
  for (let i = 0; i < 64; i++) expected.update(chunk);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(`${base}/upload`, {
      method: 'POST',
      headers: { host: 'streams.test', expect: '100-continue', 'transfer-encoding': 'chunked' },
    });
    req.on('continue', () => {
      let sent = 0;
      const pump = () => {
        while (sent < 64) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
  assert.deepEqual(JSON.parse(body), { bytes: 64 * 1024 * 1024, sha256: expected.digest('hex') });
});

async function serverStatus(): Promise<Record<string, string>> {
  const service = JSON.parse((await get(`${apiBase}/api/http/services/checked@file`)).body) as {
    serverStatus: Record<string, string>;
  };
  return service.serverStatus;
}

test('a health check takes a server out and puts it back', async () => {
  await flaky.close();
  await waitFor(async () => (await serverStatus())[flaky.url] === 'DOWN', 5000, 'flaky DOWN');
  for (let i = 0; i < 10; i++) assert.equal((await echo(`${base}/`, { host: 'checked.test' })).server, 'steady');

  flaky = await startEchoUpstream('flaky', flakyPort);
  await waitFor(async () => (await serverStatus())[flaky.url] === 'UP', 5000, 'flaky UP');
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add((await echo(`${base}/`, { host: 'checked.test' })).server);
  assert.deepEqual([...seen].sort(), ['flaky', 'steady']);
});
