import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { backoffDelays, retry } from '../../src/middlewares/retry.js';
import { buildMiddleware, MiddlewareHarness, type UpstreamBehaviour } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(options: Record<string, unknown>, upstream: UpstreamBehaviour) {
  const harness = await MiddlewareHarness.start(buildMiddleware(retry, options), { upstream });
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

const failFirst =
  (failures: number): UpstreamBehaviour =>
  (_ctx, call) =>
    call <= failures ? 'unreachable' : {};

describe('retry', () => {
  it('tries again when nothing reached the upstream, resending the body', async () => {
    const h = await harnessFor({ attempts: 3 }, failFirst(2));
    const reply = await h.request('/x', { method: 'POST', body: 'payload' });
    assert.equal(reply.status, 200);
    assert.equal(h.calls, 3);
    assert.equal(h.last.body, 'payload');
  });

  it('gives up after `attempts` tries in all and lets the transport answer 502', async () => {
    const h = await harnessFor({ attempts: 2 }, failFirst(99));
    const reply = await h.request('/x');
    assert.equal(reply.status, 502);
    assert.equal(h.calls, 2);
  });

  it('never retries a response, even a 5xx', async () => {
    const h = await harnessFor({ attempts: 4 }, () => ({ status: 503 }));
    assert.equal((await h.request('/x')).status, 503);
    assert.equal(h.calls, 1);
  });

  it('streams a body over maxRequestBodyBytes once, without retrying', async () => {
    const h = await harnessFor({ attempts: 3, maxRequestBodyBytes: 4 }, failFirst(1));
    const reply = await h.request('/x', { method: 'POST', body: 'longer than four' });
    assert.equal(reply.status, 502);
    assert.equal(h.calls, 1);
    const chunked = await harnessFor({ attempts: 3, maxRequestBodyBytes: 4 }, (_ctx, call) =>
      call === 1 ? {} : 'unreachable',
    );
    await chunked.request('/y', { method: 'POST', body: [Buffer.from('streamed '), Buffer.from('in full')] });
    assert.equal(chunked.last.body, 'streamed in full');
  });

  it('waits with exponential backoff between attempts', async () => {
    const h = await harnessFor({ attempts: 2, initialInterval: '60ms' }, failFirst(1));
    const started = performance.now();
    await h.request('/x');
    assert.ok(performance.now() - started >= 25, 'the wait is at least half the initial interval');
  });

  it('retries answers with a listed status, dropping them unseen (v3.7 status)', async () => {
    const h = await harnessFor({ attempts: 3, status: ['500-599'] }, (_ctx, call) =>
      call < 3 ? { status: 503, body: `attempt ${call}` } : { body: 'fine' },
    );
    const reply = await h.request('/x');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'fine');
    assert.equal(h.calls, 3);
  });

  it('sends the last answer whatever its status, and spares POST unless retryNonIdempotentMethod', async () => {
    const always503: UpstreamBehaviour = () => ({ status: 503, body: 'busy' });
    const h = await harnessFor({ attempts: 2, status: '503' }, always503);
    const reply = await h.request('/x');
    assert.equal(reply.status, 503);
    assert.equal(reply.body, 'busy');
    assert.equal(h.calls, 2);
    const post = await harnessFor({ attempts: 3, status: '503' }, always503);
    await post.request('/x', { method: 'POST', body: 'once' });
    assert.equal(post.calls, 1);
    const forced = await harnessFor({ attempts: 3, status: '503', retryNonIdempotentMethod: true }, always503);
    await forced.request('/x', { method: 'POST', body: 'thrice' });
    assert.equal(forced.calls, 3);
    assert.equal(forced.last.body, 'thrice');
  });

  it('can leave network errors alone and stop retrying after timeout', async () => {
    const h = await harnessFor({ attempts: 3, status: ['500'], disableRetryOnNetworkError: true }, failFirst(1));
    assert.equal((await h.request('/x')).status, 502);
    assert.equal(h.calls, 1);
    const slow = await harnessFor({ attempts: 5, status: ['500'], timeout: '1ms' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { status: 500 };
    });
    assert.equal((await slow.request('/x')).status, 500);
    assert.equal(slow.calls, 2);
  });

  it('computes Traefik backoff: last wait about twice the first, ±50%', () => {
    assert.deepEqual(
      backoffDelays(3, 100, () => 0.5),
      [100, 100 * Math.SQRT2],
    );
    assert.deepEqual(backoffDelays(5, 100, () => 0.5).map(Math.round), [100, 119, 141, 168]);
    assert.deepEqual(
      backoffDelays(3, 100, () => 0),
      [50, 50 * Math.SQRT2],
    );
    assert.deepEqual(backoffDelays(3, 0), [0, 0]);
  });

  it('requires at least one attempt', () => {
    assert.throws(
      () => buildMiddleware(retry, {}),
      (error: unknown) => (error as ConfigError).key === 'attempts',
    );
    assert.throws(
      () => buildMiddleware(retry, { attempts: 2, initialInterval: 'soon' }),
      (error: unknown) => (error as ConfigError).key === 'initialInterval',
    );
  });
});
