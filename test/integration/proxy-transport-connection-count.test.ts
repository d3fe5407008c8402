/**
 * The connection tracker the metrics hand to the service layer: every upstream connection the
 * transports open (HTTP/1.1 pools, h2c sessions, WebSocket upgrades) is reported once when it
 * opens and once when it closes, matching what the upstreams themselves see.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionTracker } from '../../src/runtime/transport/connection-tracking.js';
import { send, waitFor } from '../helpers/proxy-harness.js';
import { startCountedUpstream, transportRig, type TransportRig } from '../helpers/transport-harness.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** Open connections per origin, as the metrics gauge would show them. */
function countingTracker() {
  const open = new Map<string, number>();
  let extraCloses = 0;
  const track: ConnectionTracker = (origin) => {
    open.set(origin, (open.get(origin) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) extraCloses++;
      else open.set(origin, open.get(origin)! - 1);
      closed = true;
    };
  };
  return { track, openTo: (origin: string) => open.get(origin) ?? 0, extraCloses: () => extraCloses };
}

function rigWith(track: ConnectionTracker): TransportRig {
  const rig = transportRig({}, track);
  closers.push(() => rig.close());
  return rig;
}

async function slowUpstream() {
  const upstream = await startCountedUpstream((_req, res) => setTimeout(() => res.end('ok'), 100));
  closers.push(() => upstream.close());
  return upstream;
}

test('pooled HTTP/1.1 connections are counted per origin until a reload drops the origin', async () => {
  const counter = countingTracker();
  const backend = await slowUpstream();
  const rig = rigWith(counter.track);
  const proxies = await rig.apply({ 'web@file': { loadBalancer: { servers: [{ url: backend.url }] } } });
  const url = proxies['web@file']!.url!;
  await Promise.all([1, 2, 3].map(() => send(url)));
  assert.equal(backend.open, 3);
  assert.equal(counter.openTo(backend.url), 3);
  await send(url);
  assert.equal(counter.openTo(backend.url), 3, 'a reused connection is not counted again');

  await rig.apply({});
  await waitFor(() => backend.open === 0 && counter.openTo(backend.url) === 0);
  assert.equal(counter.extraCloses(), 0);
});

test('a transport replaced by new settings: the old connection closes, the new one is counted', async () => {
  const counter = countingTracker();
  const backend = await slowUpstream();
  const rig = rigWith(counter.track);
  const servers = [{ url: backend.url }];
  const service = (transport: string) => ({ 'web@file': { loadBalancer: { servers, serversTransport: transport } } });
  const first = await rig.apply(service('a'), { 'a@file': { forwardingTimeouts: { dialTimeout: '5s' } } });
  await send(first['web@file']!.url!);
  const second = await rig.apply(service('a'), { 'a@file': { forwardingTimeouts: { dialTimeout: '6s' } } });
  await send(second['web@file']!.url!);
  assert.equal(backend.accepted, 2);
  await waitFor(() => backend.open === 1 && counter.openTo(backend.url) === 1);
});

test('an h2c session counts as one connection, however many streams it carries', async () => {
  const counter = countingTracker();
  const server = createH2cServer((_req, res) => setTimeout(() => res.end('ok'), 50));
  let sessions = 0;
  server.on('session', (session) => {
    sessions++;
    session.once('close', () => sessions--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `h2c://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const rig = rigWith(counter.track);
  const proxies = await rig.apply({ 'grpc@file': { loadBalancer: { servers: [{ url: origin }] } } });
  const answers = await Promise.all([1, 2, 3].map(() => send(proxies['grpc@file']!.url!)));
  assert.deepEqual(
    answers.map((answer) => answer.status),
    [200, 200, 200],
  );
  assert.equal(sessions, 1);
  assert.equal(counter.openTo(origin), 1);

  await rig.apply({});
  await waitFor(() => sessions === 0 && counter.openTo(origin) === 0);
  assert.equal(counter.extraCloses(), 0);
});

test('an upgraded WebSocket connection counts while it is open', async () => {
  const counter = countingTracker();
  const upstream = createHttpServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ server: upstream });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  closers.push(async () => {
    wss.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });
  const rig = rigWith(counter.track);
  const proxies = await rig.apply({ 'ws@file': { loadBalancer: { servers: [{ url: origin }] } } });
  const client = new WebSocket(proxies['ws@file']!.url!.replace('http', 'ws'));
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const echoed = new Promise((resolve) => client.once('message', (data) => resolve(String(data))));
  client.send('hello');
  assert.equal(await echoed, 'hello');
  assert.equal(counter.openTo(origin), 1);

  client.close();
  await waitFor(() => wss.clients.size === 0 && counter.openTo(origin) === 0);
  assert.equal(counter.extraCloses(), 0);
});
