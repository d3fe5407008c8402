import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { contentType } from '../../src/middlewares/content-type.js';
import { sniffContentType } from '../../src/middlewares/sniff-content-type.js';
import { buildMiddleware, MiddlewareHarness, type UpstreamAnswer } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('sniffContentType', () => {
  it('recognises markup, common binary signatures and plain text', () => {
    assert.equal(sniffContentType(Buffer.from('  <!doctype html><html>')), 'text/html; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from('<p>hi</p>')), 'text/html; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from('<?xml version="1.0"?>')), 'text/xml; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(sniffContentType(Buffer.from('%PDF-1.7')), 'application/pdf');
    assert.equal(sniffContentType(Buffer.from('{"json": true}')), 'text/plain; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from([0x01, 0x02, 0x03])), 'application/octet-stream');
  });
});

describe('contentType', () => {
  const untyped =
    (body: string | Buffer[]): (() => UpstreamAnswer) =>
    () => ({ body, headers: { 'content-type': undefined } });

  it('sets a sniffed type on responses that lack one, streamed or not', async () => {
    const h = await MiddlewareHarness.start(buildMiddleware(contentType, {}), {
      upstream: (ctx) => untyped(ctx.path === '/stream' ? [Buffer.from('<html>'), Buffer.from('</html>')] : 'plain')(),
    });
    harnesses.push(h);
    assert.equal((await h.request('/')).headers['content-type'], 'text/plain; charset=utf-8');
    const streamed = await h.request('/stream');
    assert.equal(streamed.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(streamed.body, '<html></html>');
  });

  it('keeps a type the upstream set, and does nothing with autoDetect false', async () => {
    const typed = await MiddlewareHarness.start(buildMiddleware(contentType, {}), {
      upstream: () => ({ body: '<html>', headers: { 'content-type': 'application/x-custom' } }),
    });
    harnesses.push(typed);
    assert.equal((await typed.request('/')).headers['content-type'], 'application/x-custom');
    const off = await MiddlewareHarness.start(buildMiddleware(contentType, { autoDetect: false }), {
      upstream: untyped('<html>'),
    });
    harnesses.push(off);
    assert.equal((await off.request('/')).headers['content-type'], undefined);
  });
});
