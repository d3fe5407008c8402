import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { request as undiciRequest } from 'undici';
import { compress } from '../../src/middlewares/compress.js';
import { errors } from '../../src/middlewares/errors.js';
import { headers } from '../../src/middlewares/headers.js';
import { retry } from '../../src/middlewares/retry.js';
import { stripPrefix } from '../../src/middlewares/strip-prefix.js';
import type { Middleware } from '../../src/middlewares/types.js';
import type { Handler } from '../../src/runtime/context.js';
import { buildService } from '../../src/services/build-service.js';
import { buildMiddleware } from '../helpers/middlewares-harness.js';
import { closedPortUrl, send, startProxy, startUpstream, testDeps, type Running } from '../helpers/proxy-harness.js';

/*
 * The middlewares in front of the real load balancer and upstream transport: checks the
 * contracts they rely on (upstreamUnreachable, response-header hooks, response interception).
 */

const deps = testDeps();
const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((r) => r.close()));
  await deps.close();
});

async function proxy(chain: Middleware[], service: Handler): Promise<Running> {
  const handler = chain.reduceRight<Handler>((next, middleware) => middleware(next), service);
  const started = await startProxy(handler);
  running.push(started);
  return started;
}

async function upstream(listener: Parameters<typeof startUpstream>[0]): Promise<Running> {
  const started = await startUpstream(listener);
  running.push(started);
  return started;
}

function loadBalancer(name: string, ...urls: string[]) {
  return buildService(name, { loadBalancer: { servers: urls.map((url) => ({ url })) } }, deps);
}

test('retry: the transport hands refused connections to retry, which tries again', async () => {
  let tries = 0;
  const counting: Middleware = (next) => (ctx) => {
    tries++;
    return next(ctx);
  };
  const dead = loadBalancer('dead@test', await closedPortUrl());
  const p = await proxy([buildMiddleware(retry, { attempts: 3 }), counting], dead.handle);
  const answer = await send(p.url, { path: '/x' });
  assert.equal(answer.status, 502);
  assert.equal(tries, 3);
});

test('stripPrefix and headers reach the real upstream; response hooks edit its answer', async () => {
  const seen: { url?: string; prefix?: string } = {};
  const up = await upstream((req, res) => {
    seen.url = req.url;
    seen.prefix = String(req.headers['x-forwarded-prefix']);
    res.writeHead(200, { server: 'leaky/1.0', 'content-type': 'text/plain' }).end('ok');
  });
  const p = await proxy(
    [
      buildMiddleware(stripPrefix, { prefixes: ['/api'] }),
      buildMiddleware(headers, { customResponseHeaders: { Server: '', 'X-Frame-Options': 'DENY' } }),
    ],
    loadBalancer('plain@test', up.url).handle,
  );
  const answer = await send(p.url, { path: '/api/users?id=7' });
  assert.equal(answer.status, 200);
  assert.equal(seen.url, '/users?id=7');
  assert.equal(seen.prefix, '/api');
  assert.equal(answer.headers.server, undefined);
  assert.equal(answer.headers['x-frame-options'], 'DENY');
});

test('compress: a streamed upstream answer arrives gzipped and whole', async () => {
  const line = 'streamed line of compressible text\n';
  const up = await upstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let n = 0;
    const timer = setInterval(() => {
      res.write(line.repeat(50));
      if (++n === 4) {
        clearInterval(timer);
        res.end();
      }
    }, 5);
  });
  const p = await proxy([buildMiddleware(compress, {})], loadBalancer('stream@test', up.url).handle);
  const response = await undiciRequest(`${p.url}/`, { headers: { 'accept-encoding': 'gzip' } });
  const raw = Buffer.from(await response.body.arrayBuffer());
  assert.equal(response.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(raw).toString(), line.repeat(200));
});

test('errors: a 5xx from the real upstream is replaced by the error service page', async () => {
  const failing = await upstream((_req, res) => res.writeHead(500).end('stack trace'));
  const pages = await upstream((req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(`page ${req.url}`),
  );
  const pageService = loadBalancer('pages@test', pages.url);
  const middleware = buildMiddleware(
    errors,
    { status: ['500-599'], service: 'pages', query: '/{status}.html' },
    { resolveService: () => pageService.handle },
  );
  const p = await proxy([middleware], loadBalancer('failing@test', failing.url).handle);
  const answer = await send(p.url, { path: '/boom' });
  assert.equal(answer.status, 500);
  assert.equal(answer.body, 'page /500.html');
});
