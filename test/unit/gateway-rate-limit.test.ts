import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { apiKey } from '../../src/gateway/api-key.js';
import { gcra } from '../../src/gateway/gcra.js';
import { rateLimit } from '../../src/gateway/rate-limit.js';
import { configureGateway, gatewayClock } from '../../src/gateway/settings.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';

const realNow = gatewayClock.now;
const servers: Harness[] = [];
let name = 0;

async function harness(options: Record<string, unknown>, consumers = {}): Promise<Harness> {
  const deps = gatewayDeps(consumers, [], `limit${name++}@file`);
  const server = await startHarness(buildMiddleware(rateLimit, options, deps), []);
  servers.push(server);
  return server;
}

before(() => configureGateway({}));
afterEach(() => {
  gatewayClock.now = realNow;
});
after(async () => Promise.all(servers.map((s) => s.close())));

describe('gcra', () => {
  it('admits a burst, then one request per interval', () => {
    const limit = { intervalMs: 100, burst: 3 };
    let tat: number | undefined;
    const admitted: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = gcra(tat, 1000, limit);
      admitted.push(decision.allowed);
      if (decision.allowed) tat = decision.tat;
    }
    assert.deepEqual(admitted, [true, true, true, false]);
    assert.equal(gcra(tat, 1000, limit).retryAfterMs, 100);
    assert.equal(gcra(tat, 1100, limit).allowed, true);
    assert.equal(gcra(undefined, 0, limit).remaining, 2);
  });
});

describe('rateLimit (memory store)', () => {
  it('answers 429 with Retry-After and RateLimit-* headers past the burst', async () => {
    let now = 1_000_000;
    gatewayClock.now = () => now;
    const server = await harness({ average: 2, period: '1s', burst: 2 });
    const first = await server.send({});
    assert.equal(first.status, 200);
    assert.equal(first.headers['ratelimit-limit'], '2');
    assert.equal(first.headers['ratelimit-remaining'], '1');
    assert.equal((await server.send({})).status, 200);
    const limited = await server.send({});
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.headers['ratelimit-remaining'], '0');
    now += 500;
    assert.equal((await server.send({})).status, 200);
  });

  it('counts per header value and per consumer when asked', async () => {
    const byHeader = await harness({ average: 1, period: '1m', sourceCriterion: { requestHeaderName: 'X-Tenant' } });
    assert.equal((await byHeader.send({ headers: { 'x-tenant': 'a' } })).status, 200);
    assert.equal((await byHeader.send({ headers: { 'x-tenant': 'a' } })).status, 429);
    assert.equal((await byHeader.send({ headers: { 'x-tenant': 'b' } })).status, 200);

    const consumers = { 'one@file': { apiKeys: ['key-one'] }, 'two@file': { apiKeys: ['key-two'] } };
    const deps = gatewayDeps(consumers, [], 'perconsumer@file');
    const limit = buildMiddleware(
      rateLimit,
      { average: '1', period: '1m', sourceCriterion: { consumer: 'true' } },
      deps,
    );
    const server = await startHarness((next) => buildMiddleware(apiKey, {}, deps)(limit(next)));
    servers.push(server);
    const one = await server.send({ headers: { 'x-api-key': 'key-one' } });
    assert.equal(one.upstream?.headers['x-portier-consumer'], 'one', 'a later gateway middleware keeps the header');
    assert.equal((await server.send({ headers: { 'x-api-key': 'key-one' } })).status, 429);
    assert.equal((await server.send({ headers: { 'x-api-key': 'key-two' } })).status, 200);
  });

  it('uses the ipStrategy depth of X-Forwarded-For', async () => {
    const server = await harness({ average: 1, period: '1m', sourceCriterion: { ipStrategy: { depth: 1 } } });
    assert.equal((await server.send({ headers: { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' } })).status, 200);
    assert.equal((await server.send({ headers: { 'x-forwarded-for': '10.0.0.9, 10.0.0.2' } })).status, 429);
    assert.equal((await server.send({ headers: { 'x-forwarded-for': '10.0.0.1, 10.0.0.3' } })).status, 200);
  });

  it('passes everything with average 0, as Traefik does', async () => {
    const server = await harness({ average: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await server.send({})).status, 200);
  });
});
