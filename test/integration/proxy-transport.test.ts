import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, test } from 'node:test';
import { addResponseHeader, onResponseHeaders } from '../../src/runtime/context.js';
import { forward } from '../../src/runtime/transport/forward.js';
import { Upstreams } from '../../src/runtime/transport/upstreams.js';
import {
  closedAfterTests,
  closedPortUrl,
  send,
  startProxy,
  startUpstream,
  waitFor,
  type Running,
} from '../helpers/proxy-harness.js';

const upstreams = new Upstreams({ forwardingTimeouts: { responseHeaderTimeout: '300ms' } });
const track = closedAfterTests(() => upstreams.close());

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An upstream that reports what it received, as JSON, with a few hop-by-hop headers of its own. */
async function echoUpstream(): Promise<Running> {
  return track(
    startUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: Seen = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        res.writeHead(200, {
          'content-type': 'application/json',
          connection: 'keep-alive, x-upstream-private',
          'x-upstream-private': 'secret',
          'keep-alive': 'timeout=77',
          'proxy-authenticate': 'Basic',
          'set-cookie': ['a=1', 'b=2'],
          'x-kept': 'yes',
        });
        res.end(JSON.stringify(seen));
      });
    }),
  );
}

test('forwards method, path, query and body with X-Forwarded headers, hop-by-hop stripped both ways', async () => {
  const upstream = await echoUpstream();
  const server = upstreams.server(upstream.url, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  const answer = await send(proxy.url, {
    method: 'POST',
    path: '/a/b?x=1&y=2',
    body: 'hello',
    headers: {
      host: 'example.com:8000',
      connection: 'keep-alive, x-private',
      'x-private': 'drop me',
      'keep-alive': 'timeout=1',
      te: 'trailers',
      'proxy-authorization': 'Basic abc',
      expect: '100-continue',
      'x-forwarded-for': '10.1.1.1',
      'x-custom': 'kept',
    },
  });
  assert.equal(answer.status, 200);
  const seen = JSON.parse(answer.body) as Seen;
  assert.equal(seen.method, 'POST');
  assert.equal(seen.url, '/a/b?x=1&y=2');
  assert.equal(seen.body, 'hello');
  assert.equal(seen.headers.host, 'example.com:8000');
  assert.equal(seen.headers['x-custom'], 'kept');
  for (const name of ['x-private', 'keep-alive', 'te', 'proxy-authorization', 'expect']) {
    assert.equal(seen.headers[name], undefined, `${name} must not reach the upstream`);
  }
  assert.equal(seen.headers['x-forwarded-for'], '10.1.1.1, 127.0.0.1');
  assert.equal(seen.headers['x-forwarded-host'], 'example.com:8000');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers['x-forwarded-port'], String(proxy.port));
  assert.equal(seen.headers['x-real-ip'], '127.0.0.1');
  assert.ok(seen.headers['x-forwarded-server']);
  assert.equal(answer.headers['x-upstream-private'], undefined);
  assert.equal(answer.headers['proxy-authenticate'], undefined);
  assert.notEqual(answer.headers['keep-alive'], 'timeout=77');
  assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(answer.headers['x-kept'], 'yes');
});

test('passHostHeader=false sends the server host; the server URL path prefixes the request path', async () => {
  const upstream = await echoUpstream();
  const server = upstreams.server(`${upstream.url}/base/`, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: false }).then(() => undefined)));
  const seen = JSON.parse((await send(proxy.url, { path: '/x', headers: { host: 'example.com' } })).body) as Seen;
  assert.equal(seen.headers.host, `127.0.0.1:${upstream.port}`);
  assert.equal(seen.headers['x-forwarded-host'], 'example.com');
  assert.equal(seen.url, '/base/x');
});

test('chunked request and response bodies stream through', async () => {
  const upstream = await track(
    startUpstream((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => {
        res.writeHead(200, { 'x-te': String(req.headers['transfer-encoding']) });
        res.write('part1-');
        setTimeout(() => res.end(`part2-${size}`), 20);
      });
    }),
  );
  const server = upstreams.server(upstream.url, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  const { request } = await import('node:http');
  const answer = await new Promise<{ body: string; headers: IncomingMessage['headers'] }>((resolve, reject) => {
    const req = request(`${proxy.url}/`, { method: 'POST', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ body, headers: res.headers }));
    });
    req.on('error', reject);
    // Sent in pieces over time, so no one along the way can know the length in advance.
    req.write('x'.repeat(500));
    setTimeout(() => req.end('x'.repeat(500)), 50);
  });
  assert.equal(answer.body, 'part1-part2-1000');
  assert.equal(answer.headers['x-te'], 'chunked');
  assert.equal(answer.headers['transfer-encoding'], 'chunked');
});

test('ctx.body is sent instead of the stream; response headers and hooks are applied', async () => {
  const upstream = await echoUpstream();
  const server = upstreams.server(upstream.url, 'url');
  const proxy = await track(
    startProxy(async (ctx) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      ctx.body = Buffer.concat([Buffer.from('buffered:'), ...chunks]);
      addResponseHeader(ctx, 'x-added', 'by-proxy');
      addResponseHeader(ctx, 'set-cookie', 'c=3');
      onResponseHeaders(ctx, (status, headers) => {
        headers['x-hook'] = `${status}:${String(headers['x-added'])}`;
      });
      await forward(ctx, server, { passHostHeader: true });
    }),
  );
  const answer = await send(proxy.url, { method: 'PUT', body: 'data' });
  const seen = JSON.parse(answer.body) as Seen;
  assert.equal(seen.body, 'buffered:data');
  assert.equal(seen.headers['content-length'], String('buffered:data'.length));
  assert.equal(answer.headers['x-added'], 'by-proxy');
  assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2', 'c=3']);
  assert.equal(answer.headers['x-hook'], '200:by-proxy');
});

test('502 when the upstream refuses, unless ctx.upstreamUnreachable takes over', async () => {
  const server = upstreams.server(await closedPortUrl(), 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  assert.equal((await send(proxy.url)).status, 502);

  let handedOver: Error | undefined;
  const retrying = await track(
    startProxy(async (ctx) => {
      ctx.upstreamUnreachable = (error) => {
        handedOver = error;
        ctx.res.writeHead(299).end('retry middleware answered');
        return true;
      };
      await forward(ctx, server, { passHostHeader: true });
    }),
  );
  const answer = await send(retrying.url);
  assert.equal(answer.status, 299);
  assert.equal((handedOver as { code?: string } | undefined)?.code, 'ECONNREFUSED');
});

test('504 when the upstream does not answer within responseHeaderTimeout; 502 when it hangs up', async () => {
  const upstream = await track(
    startUpstream((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 2000).unref();
      else res.socket?.destroy();
    }),
  );
  const server = upstreams.server(upstream.url, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  assert.equal((await send(proxy.url, { path: '/slow' })).status, 504);
  assert.equal((await send(proxy.url, { path: '/reset' })).status, 502);
});

test('a kept-alive connection closed by the server under a GET is retried on a fresh one; a POST is not', async () => {
  // Every connection serves one request, then drops the next one unanswered, like a server
  // whose idle timeout fired just as the request arrived.
  const { createServer: createTcpServer } = await import('node:net');
  let connections = 0;
  const tcp = createTcpServer((socket) => {
    connections++;
    let served = 0;
    socket.on('data', () => {
      if (served++ === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  after(() => tcp.close());
  const { port } = tcp.address() as { port: number };
  const server = upstreams.server(`http://127.0.0.1:${port}`, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  const statuses = [];
  for (const method of ['GET', 'POST', 'GET', 'GET']) statuses.push((await send(proxy.url, { method })).status);
  // The POST met a dropped connection and may not be resent; the last GET met one and was.
  assert.deepEqual(statuses, [200, 502, 200, 200]);
  assert.equal(connections, 3);
});

test('HEAD and 204 answers carry no body; the upstream length header is kept for HEAD', async () => {
  const upstream = await track(
    startUpstream((req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    }),
  );
  const server = upstreams.server(upstream.url, 'url');
  const proxy = await track(startProxy((ctx) => forward(ctx, server, { passHostHeader: true }).then(() => undefined)));
  const head = await send(proxy.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '5');
  assert.equal(head.body, '');
  const empty = await send(proxy.url, { path: '/empty' });
  assert.equal(empty.status, 204);
  assert.equal(empty.body, '');
  assert.equal((await send(proxy.url)).body, 'hello');
});

test('a client that goes away cancels the upstream request', async () => {
  let upstreamClosed = false;
  let started = false;
  const upstream = await track(
    startUpstream((_req, res) => {
      started = true;
      res.writeHead(200);
      res.write('first');
      res.on('close', () => (upstreamClosed = true));
    }),
  );
  const server = upstreams.server(upstream.url, 'url');
  let loggedStatus = 0;
  const proxy = await track(
    startProxy((ctx) => {
      ctx.res.once('close', () => (loggedStatus = ctx.res.statusCode));
      return forward(ctx, server, { passHostHeader: true }).then(() => undefined);
    }),
  );
  const { request } = await import('node:http');
  const client = request(`${proxy.url}/stream`, { agent: false }, (res) => {
    res.once('data', () => client.destroy());
  });
  client.on('error', () => undefined);
  client.end();
  await waitFor(() => started);
  await waitFor(() => upstreamClosed);
  assert.equal(loggedStatus, 200, 'the head had gone out: the status stays');
});

test('a client that leaves before the answer is logged as 499 and the upstream request is cancelled', async () => {
  let upstreamClosed = false;
  const upstream = await track(
    startUpstream((req) => {
      req.socket.once('close', () => (upstreamClosed = true));
    }),
  );
  const server = upstreams.server(upstream.url, 'url');
  let loggedStatus = 0;
  const proxy = await track(
    startProxy((ctx) => {
      ctx.res.once('close', () => (loggedStatus = ctx.res.statusCode));
      return forward(ctx, server, { passHostHeader: true }).then(() => undefined);
    }),
  );
  const { request } = await import('node:http');
  const client = request(`${proxy.url}/wait`, { agent: false });
  client.on('error', () => undefined);
  client.end();
  await new Promise((resolve) => setTimeout(resolve, 100));
  client.destroy();
  await waitFor(() => upstreamClosed);
  assert.equal(loggedStatus, 499);
});

test('retainOnly closes the pools of origins gone from the configuration; they come back on demand', async () => {
  const own = new Upstreams();
  const upstream = await track(startUpstream((_req, res) => res.end('ok')));
  const kept = own.server(upstream.url, 'url');
  const dropped = own.server(`http://localhost:${upstream.port}`, 'url');
  const proxy = await track(
    startProxy((ctx) =>
      forward(ctx, ctx.path === '/kept' ? kept : dropped, { passHostHeader: true }).then(() => undefined),
    ),
  );
  assert.equal((await send(proxy.url, { path: '/kept' })).body, 'ok');
  assert.equal((await send(proxy.url, { path: '/dropped' })).body, 'ok');
  const droppedPool = own.pool(dropped.origin);
  own.retainOnly(new Set([kept.origin]));
  await waitFor(() => droppedPool.dispatcher.closed);
  assert.notEqual(own.pool(dropped.origin), droppedPool);
  assert.equal((await send(proxy.url, { path: '/dropped' })).body, 'ok');
  await own.close();
});
