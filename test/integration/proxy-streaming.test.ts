import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { buildService } from '../../src/services/build-service.js';
import { startProxy, startUpstream, testDeps, type Running } from '../helpers/proxy-harness.js';

const deps = testDeps();
const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((r) => r.close()));
  await deps.close();
});

const MB = 1024 * 1024;
const TOTAL = 50 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 120);
/** What loopback socket buffers on both legs may hold; anything beyond sits in the proxy's memory. */
const SOCKET_BUFFERS_MAX = 16 * MB;

/** Yields TOTAL bytes and counts how many were taken so far. */
function counted(): { source: Readable; produced: () => number } {
  let produced = 0;
  function* generate(): Generator<Buffer> {
    for (; produced < TOTAL; produced += CHUNK.length) yield CHUNK;
  }
  return { source: Readable.from(generate()), produced: () => produced };
}

async function proxyTo(upstream: Running, name: string): Promise<Running> {
  running.push(upstream);
  const service = buildService(name, { loadBalancer: { servers: [{ url: upstream.url }] } }, deps);
  const proxy = await startProxy(service.handle);
  running.push(proxy);
  return proxy;
}

test('a 50 MB upload to a stalled upstream waits for it instead of piling up in memory', async () => {
  const body = counted();
  let producedWhileStalled = 0;
  const proxy = await proxyTo(
    await startUpstream((req, res) => {
      req.pause();
      setTimeout(() => {
        producedWhileStalled = body.produced();
        let received = 0;
        req.on('data', (c: Buffer) => (received += c.length));
        req.on('end', () => res.end(String(received)));
        req.resume();
      }, 400);
    }),
    'upload@test',
  );
  const req = request(`${proxy.url}/upload`, { method: 'POST', agent: false });
  const answer = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
  await pipeline(body.source, req);
  assert.equal(await answer, String(TOTAL));
  assert.ok(producedWhileStalled < SOCKET_BUFFERS_MAX, `${producedWhileStalled / MB} MB went out while stalled`);
});

test('a 50 MB download to a stalled client is paced by the client', async () => {
  const body = counted();
  const proxy = await proxyTo(
    await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': TOTAL });
      void pipeline(body.source, res).catch(() => undefined);
    }),
    'download@test',
  );
  let producedWhileStalled = 0;
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    request(`${proxy.url}/big`, { agent: false }, (res) => {
      res.pause();
      setTimeout(() => {
        producedWhileStalled = body.produced();
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('end', resolve);
        res.resume();
      }, 400);
    })
      .on('error', reject)
      .end();
  });
  assert.equal(received, TOTAL);
  assert.ok(producedWhileStalled < SOCKET_BUFFERS_MAX, `${producedWhileStalled / MB} MB went out while stalled`);
});
