import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { ConfigError } from '../../src/config/errors.js';
import { EncodingChooser } from '../../src/middlewares/accept-encoding.js';
import { compress } from '../../src/middlewares/compress.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(options: Record<string, unknown>, harnessOptions?: HarnessOptions) {
  const harness = await MiddlewareHarness.start(buildMiddleware(compress, options), harnessOptions);
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

const TEXT = 'Portier compresses this line again and again. '.repeat(100);
const serving = (
  body: string | Buffer[],
  headers: Record<string, string> = { 'content-type': 'text/plain' },
): HarnessOptions => ({ upstream: () => ({ body, headers }) });

describe('EncodingChooser', () => {
  const chooser = new EncodingChooser(['gzip', 'br'], '');
  it('prefers higher q-values, then the configured order', () => {
    assert.equal(chooser.choose('gzip, deflate, br'), 'gzip');
    assert.equal(chooser.choose('gzip;q=0.5, br'), 'br');
    assert.equal(chooser.choose('br;q=0, gzip;q=0.1'), 'gzip');
    assert.equal(chooser.choose('deflate'), undefined);
    assert.equal(chooser.choose('identity'), undefined);
    assert.equal(chooser.choose('*'), 'gzip');
    assert.equal(chooser.choose(undefined), undefined);
    assert.equal(new EncodingChooser(['gzip', 'br'], 'br').choose(undefined), 'br');
  });
});

describe('compress', () => {
  it('gzips for clients that accept it, adding Vary and dropping Content-Length', async () => {
    const h = await harnessFor({}, serving(TEXT));
    const reply = await h.request('/', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(reply.headers['content-encoding'], 'gzip');
    assert.equal(reply.headers.vary, 'Accept-Encoding');
    assert.ok(reply.raw.length < TEXT.length / 5);
    assert.equal(gunzipSync(reply.raw).toString(), TEXT);
  });

  it('uses brotli when preferred, also for a streamed (chunked) body', async () => {
    const chunks = [Buffer.from(TEXT.slice(0, 1000)), Buffer.from(TEXT.slice(1000))];
    const h = await harnessFor({}, serving(chunks));
    const reply = await h.request('/', { headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8' } });
    assert.equal(reply.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(reply.raw).toString(), TEXT);
  });

  it('leaves small, already encoded, excluded or non-accepted responses alone', async () => {
    const small = await harnessFor({}, serving('tiny'));
    const tiny = await small.request('/', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(tiny.headers['content-encoding'], undefined);
    assert.equal(tiny.body, 'tiny');

    const encoded = await harnessFor({}, serving(TEXT, { 'content-encoding': 'identity-ish' }));
    assert.equal((await encoded.request('/', { headers: { 'accept-encoding': 'gzip' } })).body, TEXT);

    const excluded = await harnessFor({ excludedContentTypes: ['text/plain'] }, serving(TEXT));
    assert.equal((await excluded.request('/', { headers: { 'accept-encoding': 'gzip' } })).body, TEXT);

    const notIncluded = await harnessFor({ includedContentTypes: ['text/html'] }, serving(TEXT));
    assert.equal((await notIncluded.request('/', { headers: { 'accept-encoding': 'gzip' } })).body, TEXT);

    const plain = await harnessFor({}, serving(TEXT));
    assert.equal((await plain.request('/')).body, TEXT);
  });

  it('honours minResponseBodyBytes', async () => {
    const h = await harnessFor({ minResponseBodyBytes: 10 }, serving('just over ten bytes'));
    const reply = await h.request('/', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gunzipSync(reply.raw).toString(), 'just over ten bytes');
  });

  it('reports configuration problems by option', () => {
    const keyOf = (options: Record<string, unknown>) => {
      try {
        buildMiddleware(compress, options);
      } catch (error) {
        return (error as ConfigError).key;
      }
      return 'no error';
    };
    assert.equal(keyOf({ excludedContentTypes: ['a/b'], includedContentTypes: ['c/d'] }), 'excludedContentTypes');
    assert.equal(keyOf({ encodings: ['gzip', 'deflate'] }), 'encodings[1]');
    assert.equal(keyOf({ encodings: ['zstd'] }), 'encodings');
    assert.equal(keyOf({ defaultEncoding: 'deflate' }), 'defaultEncoding');
    assert.equal(keyOf({ includedContentTypes: ['html'] }), 'includedContentTypes[0]');
  });
});
