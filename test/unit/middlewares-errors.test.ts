import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { errors } from '../../src/middlewares/errors.js';
import { headers } from '../../src/middlewares/headers.js';
import type { Middleware } from '../../src/middlewares/types.js';
import type { Handler, RequestContext } from '../../src/runtime/context.js';
import { clientResponseHeaders } from '../../src/runtime/transport/response-headers.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

/** The error page service: answers 200 with a page naming what it was asked for. */
const pages: RequestContext[] = [];
const errorPages: Handler = (ctx) => {
  pages.push(ctx);
  const body = `error page ${ctx.path}${ctx.query ? `?${ctx.query}` : ''} via ${ctx.req.method}`;
  ctx.res.writeHead(
    200,
    clientResponseHeaders(ctx, 200, { 'content-type': 'text/plain', 'content-length': body.length }),
  );
  ctx.res.end(body);
};

function errorsMiddleware(options: Record<string, unknown>): Middleware {
  return buildMiddleware(errors, options, {
    resolveService: (name) => {
      if (name !== 'pages') throw new Error(`no service ${name}`);
      return errorPages;
    },
  });
}

async function harnessFor(middleware: Middleware, harnessOptions: HarnessOptions) {
  const harness = await MiddlewareHarness.start(middleware, harnessOptions);
  harnesses.push(harness);
  return harness;
}

describe('errors', () => {
  it('replaces a caught response with the error page, keeping the status', async () => {
    const h = await harnessFor(errorsMiddleware({ status: ['500-599'], service: 'pages', query: '/{status}.html' }), {
      upstream: () => ({ status: 503, body: 'upstream details' }),
    });
    const reply = await h.request('/api', { method: 'POST', body: 'x' });
    assert.equal(reply.status, 503);
    assert.equal(reply.body, 'error page /503.html via GET');
  });

  it('lets other statuses through untouched and streaming', async () => {
    const h = await harnessFor(errorsMiddleware({ status: '404', service: 'pages' }), {
      upstream: () => ({ status: 201, body: [Buffer.from('a'), Buffer.from('b')] }),
    });
    const reply = await h.request('/');
    assert.equal(reply.status, 201);
    assert.equal(reply.body, 'ab');
  });

  it('applies statusRewrites and fills {originalStatus} and {url}', async () => {
    const h = await harnessFor(
      errorsMiddleware({
        status: ['404'],
        statusRewrites: { '404': 410 },
        service: 'pages',
        query: 'e?code={status}&was={originalStatus}&from={url}',
      }),
      { upstream: () => ({ status: 404 }) },
    );
    const reply = await h.request('/gone?x=1', { headers: { host: 'site.test' } });
    assert.equal(reply.status, 410);
    assert.equal(
      reply.body,
      `error page /e?code=410&was=404&from=${encodeURIComponent('http://site.test/gone?x=1')} via GET`,
    );
  });

  it('catches the proxy’s own 502 too, and keeps outer response headers on the page', async () => {
    const outer = buildMiddleware(headers, { customResponseHeaders: { 'X-Outer': 'yes' } });
    const chain: Middleware = (next) => outer(errorsMiddleware({ status: ['502'], service: 'pages' })(next));
    const h = await harnessFor(chain, { upstream: () => 'unreachable' });
    const reply = await h.request('/');
    assert.equal(reply.status, 502);
    assert.equal(reply.body, 'error page / via GET');
    assert.equal(reply.headers['x-outer'], 'yes');
  });

  it('sends only errorRequestHeaders to the error service when listed', async () => {
    const h = await harnessFor(
      errorsMiddleware({ status: ['500'], service: 'pages', errorRequestHeaders: ['Accept'] }),
      { upstream: () => ({ status: 500 }) },
    );
    await h.request('/', { headers: { accept: 'text/html', cookie: 'secret=1' } });
    const page = pages.at(-1)!;
    assert.equal(page.req.headers.accept, 'text/html');
    assert.equal(page.req.headers.cookie, undefined);
  });

  it('reports configuration problems by option', () => {
    const keyOf = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(
      keyOf(() => errorsMiddleware({ service: 'pages' })),
      'status',
    );
    assert.equal(
      keyOf(() => errorsMiddleware({ status: ['5xx'], service: 'pages' })),
      'status[0]',
    );
    assert.equal(
      keyOf(() => errorsMiddleware({ status: ['500'] })),
      'service',
    );
    assert.equal(
      keyOf(() => buildMiddleware(errors, { status: ['500'], service: 'pages' })),
      'service',
    );
  });
});
