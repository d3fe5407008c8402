import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { ConfigError } from '../../src/config/errors.js';
import { buffering } from '../../src/middlewares/buffering.js';
import { compress } from '../../src/middlewares/compress.js';
import type { Middleware } from '../../src/middlewares/types.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(middleware: Middleware, harnessOptions?: HarnessOptions) {
  const harness = await MiddlewareHarness.start(middleware, harnessOptions);
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

describe('buffering', () => {
  it('delivers the whole request body upstream and refuses bodies over maxRequestBodyBytes with 413', async () => {
    const h = await harnessFor(buildMiddleware(buffering, { maxRequestBodyBytes: 10 }));
    await h.request('/', { method: 'POST', body: [Buffer.from('ab'), Buffer.from('cd')] });
    assert.equal(h.last.body, 'abcd');
    const reply = await h.request('/', { method: 'POST', body: 'eleven bytes!' });
    assert.equal(reply.status, 413);
    assert.equal(h.received.length, 1);
  });

  it('sends a buffered response with its length, and 500 instead of one over maxResponseBodyBytes', async () => {
    const chunks = { upstream: () => ({ body: [Buffer.from('hello '), Buffer.from('world')] }) };
    const h = await harnessFor(buildMiddleware(buffering, {}), chunks);
    const reply = await h.request('/');
    assert.equal(reply.body, 'hello world');
    assert.equal(reply.headers['content-length'], '11');
    const limited = await harnessFor(buildMiddleware(buffering, { maxResponseBodyBytes: 5 }), chunks);
    assert.equal((await limited.request('/')).status, 500);
  });

  it('replays the request while retryExpression holds', async () => {
    const h = await harnessFor(buildMiddleware(buffering, { retryExpression: 'IsNetworkError() && Attempts() < 3' }), {
      upstream: (_ctx, call) => (call < 3 ? 'unreachable' : { body: 'third time lucky' }),
    });
    const reply = await h.request('/', { method: 'POST', body: 'same body' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'third time lucky');
    assert.equal(h.calls, 3);
    assert.equal(h.last.body, 'same body');
  });

  it('stops replaying when the expression no longer holds', async () => {
    const h = await harnessFor(
      buildMiddleware(buffering, { retryExpression: 'ResponseCode() >= 500 && Attempts() < 2' }),
      {
        upstream: () => ({ status: 503 }),
      },
    );
    assert.equal((await h.request('/')).status, 503);
    assert.equal(h.calls, 2);
  });

  it('works under compress: the compressed body is buffered and sized', async () => {
    const text = 'compressible text '.repeat(200);
    const chain: Middleware = (next) => buildMiddleware(compress, {})(buildMiddleware(buffering, {})(next));
    const h = await harnessFor(chain, {
      upstream: () => ({ body: [Buffer.from(text)], headers: { 'content-type': 'text/plain' } }),
    });
    const reply = await h.request('/', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(reply.headers['content-encoding'], 'gzip');
    assert.equal(Number(reply.headers['content-length']), reply.raw.length);
    assert.equal(gunzipSync(reply.raw).toString(), text);
  });

  it('names a bad retryExpression', () => {
    assert.throws(
      () => buildMiddleware(buffering, { retryExpression: 'Attempts() <' }),
      (error: unknown) => (error as ConfigError).key === 'retryExpression',
    );
    assert.throws(
      () => buildMiddleware(buffering, { retryExpression: 'Attempts()' }),
      (error: unknown) => /comparison/.test((error as Error).message),
    );
  });
});
