import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { addResponseHeader } from '../../src/runtime/context.js';
import { buildService } from '../../src/services/build-service.js';
import { closedPortUrl, send, startProxy, startUpstream, testDeps, type Running } from '../helpers/proxy-harness.js';

const deps = testDeps();
const running: Running[] = [];
const upstreamServer = createServer((_req, res) => res.end('plain http'));
const wss = new WebSocketServer({ server: upstreamServer });
let upstreamHeaders: Record<string, string | string[] | undefined> = {};
wss.on('connection', (socket, req) => {
  upstreamHeaders = req.headers;
  socket.on('message', (data, binary) => socket.send(binary ? data : `echo:${String(data)}`, { binary }));
});
after(async () => {
  await Promise.all(running.map((r) => r.close()));
  for (const client of wss.clients) client.terminate();
  wss.close();
  upstreamServer.closeAllConnections();
  await new Promise((resolve) => upstreamServer.close(resolve));
  await deps.close();
});

async function upstreamUrl(): Promise<string> {
  if (!upstreamServer.listening) await new Promise<void>((resolve) => upstreamServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
}

test('a WebSocket echo works through the proxy, text and binary, with forwarded headers', async () => {
  const service = buildService('ws@test', { loadBalancer: { servers: [{ url: await upstreamUrl() }] } }, deps);
  const proxy = await startProxy((ctx) => {
    addResponseHeader(ctx, 'x-proxy', 'portier');
    return service.handle(ctx);
  });
  running.push(proxy);
  const socket = await open(proxy.url.replace('http', 'ws') + '/chat');
  const upgradeHeaders: Record<string, string | string[] | undefined> = {};
  socket.once('upgrade', (res) => Object.assign(upgradeHeaders, res.headers));
  for (const text of ['one', 'two', 'x'.repeat(100_000)]) {
    const reply = nextMessage(socket);
    socket.send(text);
    assert.equal(await reply, `echo:${text}`);
  }
  const binary = new Promise<Buffer>((resolve) => socket.once('message', (data) => resolve(data as Buffer)));
  socket.send(Buffer.from([1, 2, 3]));
  assert.deepEqual([...(await binary)], [1, 2, 3]);
  assert.equal(upstreamHeaders['x-forwarded-proto'], 'ws');
  assert.equal(upstreamHeaders['x-forwarded-for'], '127.0.0.1');
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.close();
  await closed;
  // Plain HTTP still goes through the same service.
  assert.equal((await send(proxy.url)).body, 'plain http');
});

test('the 101 answer carries the proxy headers', async () => {
  const service = buildService('ws2@test', { loadBalancer: { servers: [{ url: await upstreamUrl() }] } }, deps);
  const proxy = await startProxy((ctx) => {
    addResponseHeader(ctx, 'x-proxy', 'portier');
    return service.handle(ctx);
  });
  running.push(proxy);
  const socket = new WebSocket(proxy.url.replace('http', 'ws'));
  const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
    socket.once('upgrade', (res) => resolve(res.headers));
    socket.once('error', reject);
  });
  assert.equal(headers['x-proxy'], 'portier');
  socket.terminate();
});

test('an upstream refusing the upgrade answers normally; a dead one gives 502', async () => {
  const refusing = await startUpstream((_req, res) => res.writeHead(403).end('no websockets here'));
  running.push(refusing);
  refusing.server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno'));
  for (const [url, status] of [
    [refusing.url, 403],
    [await closedPortUrl(), 502],
  ] as const) {
    const service = buildService('ws3@test', { loadBalancer: { servers: [{ url }] } }, deps);
    const proxy = await startProxy(service.handle);
    running.push(proxy);
    const socket = new WebSocket(proxy.url.replace('http', 'ws'));
    const got = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (req, res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      socket.once('error', () => resolve(-1));
    });
    assert.equal(got, status);
    socket.terminate();
  }
});
