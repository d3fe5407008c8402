import assert from 'node:assert/strict';
import { createServer as createHttp2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { send, waitFor } from '../helpers/proxy-harness.js';
import { startCountedUpstream, transportRig, type CountedUpstream } from '../helpers/transport-harness.js';

const upstreams: CountedUpstream[] = [];
const rigs: ReturnType<typeof transportRig>[] = [];

async function slowUpstream(): Promise<CountedUpstream> {
  const started = await startCountedUpstream((_req, res) => setTimeout(() => res.end('ok'), 150));
  upstreams.push(started);
  return started;
}

function rig(...args: Parameters<typeof transportRig>): ReturnType<typeof transportRig> {
  const created = transportRig(...args);
  rigs.push(created);
  return created;
}

after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await Promise.all(rigs.map((r) => r.close()));
});

test('maxIdleConnsPerHost caps the connections kept open when idle, not the concurrent requests', async () => {
  const backend = await slowUpstream();
  const proxies = await rig({ serversTransport: { maxIdleConnsPerHost: 1 } }).apply({
    'web@file': { loadBalancer: { servers: [{ url: backend.url }] } },
  });
  const url = proxies['web@file']!.url!;
  const answers = await Promise.all([1, 2, 3, 4].map(() => send(url)));
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200, 200],
  );
  assert.equal(backend.accepted, 4, 'the four requests ran at once, each on its own connection');
  await waitFor(() => backend.open === 1);
  assert.equal((await send(url)).status, 200);
  assert.equal(backend.accepted, 4, 'the connection kept open is reused');
});

test('a negative maxIdleConnsPerHost closes every connection after its request', async () => {
  const backend = await slowUpstream();
  const proxies = await rig().apply(
    { 'web@file': { loadBalancer: { servers: [{ url: backend.url }], serversTransport: 'noreuse' } } },
    { 'noreuse@file': { maxIdleConnsPerHost: -1 } },
  );
  for (let i = 0; i < 3; i++) assert.equal((await send(proxies['web@file']!.url!)).status, 200);
  assert.equal(backend.accepted, 3);
  await waitFor(() => backend.open === 0);
});

test('a reload keeps the connections of unchanged transports and closes those of removed ones', async () => {
  const backend = await slowUpstream();
  const reloading = rig();
  const servers = [{ url: backend.url }];
  const first = await reloading.apply(
    { 'web@file': { loadBalancer: { servers, serversTransport: 'a' } } },
    { 'a@file': { forwardingTimeouts: { dialTimeout: '5s' } } },
  );
  assert.equal((await send(first['web@file']!.url!)).status, 200);
  // The same settings under another name and provider: the same transport, so the same warm connection.
  const second = await reloading.apply(
    { 'web@kv': { loadBalancer: { servers, serversTransport: 'b' } } },
    { 'b@kv': { forwardingTimeouts: { dialTimeout: '5s' } } },
  );
  assert.equal((await send(second['web@kv']!.url!)).status, 200);
  assert.equal(backend.accepted, 1);
  // Changed settings: a new transport with its own connections; the old one is closed.
  const third = await reloading.apply(
    { 'web@kv': { loadBalancer: { servers, serversTransport: 'b' } } },
    { 'b@kv': { forwardingTimeouts: { dialTimeout: '6s' } } },
  );
  assert.equal((await send(third['web@kv']!.url!)).status, 200);
  assert.equal(backend.accepted, 2);
  await waitFor(() => backend.open === 1);
  await reloading.apply({});
  await waitFor(() => backend.open === 0);
});

test('readIdleTimeout pings an idle HTTP/2 connection, again at each quiet period, and it stays in use', async () => {
  let pings = 0;
  const sessions: ServerHttp2Session[] = [];
  const server = createHttp2Server((_req, res) => res.end('ok'));
  server.on('session', (session) => {
    sessions.push(session);
    session.on('ping', () => pings++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `h2c://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const proxies = await rig().apply(
      { 'grpc@file': { loadBalancer: { servers: [{ url }], serversTransport: 'pinging' } } },
      { 'pinging@file': { forwardingTimeouts: { readIdleTimeout: '100ms', pingTimeout: '1s' } } },
    );
    assert.equal((await send(proxies['grpc@file']!.url!)).status, 200);
    await waitFor(() => pings >= 3);
    assert.equal((await send(proxies['grpc@file']!.url!)).status, 200);
    assert.equal(sessions.length, 1);
  } finally {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
