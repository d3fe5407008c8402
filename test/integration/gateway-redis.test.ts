import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient } from 'redis';
import { after, before, describe, it } from 'node:test';
import { hmacAuth } from '../../src/gateway/hmac-auth.js';
import { oauth2Introspection } from '../../src/gateway/oauth2-introspection.js';
import { rateLimit } from '../../src/gateway/rate-limit.js';
import { closeGateway, configureGateway } from '../../src/gateway/settings.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';
import { GATEWAY_CLIENT, OPAQUE_RESOURCE, signingKey, startOidc } from '../helpers/gateway-oidc.js';
import { startRedis, type TestRedis } from '../helpers/gateway-redis.js';
import { signRequest } from '../helpers/gateway-sign.js';

let redis: TestRedis;
const servers: Harness[] = [];

/** Two Portier "instances": the same middleware config built twice, sharing only Redis. */
async function twoInstances(name: string, type: typeof rateLimit, options: Record<string, unknown>, consumers = {}) {
  const pair: Harness[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await startHarness(buildMiddleware(type, options, gatewayDeps(consumers, [], name)));
    servers.push(server);
    pair.push(server);
  }
  return pair as [Harness, Harness];
}

before(async () => {
  redis = await startRedis();
  configureGateway({}, { redis: { endpoint: redis.endpoint } });
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await closeGateway();
  configureGateway({});
  await redis.stop();
});

describe('gateway with a shared redis-server', () => {
  it('two instances enforce one rate limit together', async () => {
    const [a, b] = await twoInstances('shared@file', rateLimit, { average: 100, period: '1h', burst: 100 });
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const batch = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).send({}));
      statuses.push(...(await Promise.all(batch)).map((reply) => reply.status));
    }
    assert.equal(statuses.filter((s) => s === 200).length, 100);
    assert.equal(statuses.filter((s) => s === 429).length, 200);
  });

  it("Traefik's rateLimit.redis option uses that Redis and database", async () => {
    const options = { average: 3, period: '1h', burst: 3, redis: { endpoints: [`127.0.0.1:${redis.port}`], db: 3 } };
    const [a, b] = await twoInstances('own-redis@file', rateLimit, options);
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).send({})));
    assert.equal(statuses.filter((reply) => reply.status === 200).length, 3);
    const inspect = createClient({ url: redis.endpoint, database: 3 });
    await inspect.connect();
    try {
      assert.equal((await inspect.keys('portier:rl:own-redis@file:*')).length, 1);
    } finally {
      await inspect.close();
    }
  });

  it('a nonce accepted by one instance is a replay at the other', async () => {
    const secret = 'shared-instance-secret-0123456789';
    const consumers = { 'svc@file': { hmacKeys: [{ id: 'svc', secret }] } };
    const [a, b] = await twoInstances('signed@file', hmacAuth, { requireNonce: true }, consumers);
    const signature = signRequest({
      method: 'GET',
      authority: 'api.example',
      path: '/x',
      headers: {},
      components: ['@method', '@authority', '@path', '@query'],
      keyId: 'svc',
      secret: Buffer.from(secret),
      created: Math.floor(Date.now() / 1000),
      nonce: 'once-only',
    });
    const request = { path: '/x', headers: { host: 'api.example', ...signature } };
    assert.equal((await a.send(request)).status, 200);
    assert.equal((await b.send(request)).status, 401);
  });

  it('a session started at one instance is accepted at the other', async () => {
    const oidc = await startOidc([await signingKey('k1')]);
    try {
      const options = {
        introspectionUrl: `${oidc.issuer}/token/introspection`,
        clientId: GATEWAY_CLIENT.id,
        clientSecret: GATEWAY_CLIENT.secret,
        mode: 'session',
      };
      const [a, b] = await twoInstances('sessions@file', oauth2Introspection, options);
      const token = await oidc.token(OPAQUE_RESOURCE);
      const first = await a.send({ headers: { authorization: `Bearer ${token}` } });
      assert.equal(first.status, 200);
      const cookie = String(first.headers['set-cookie']).split(';')[0]!;
      const elsewhere = await b.send({ headers: { cookie } });
      assert.equal(elsewhere.status, 200);
      assert.equal(elsewhere.upstream?.headers['x-portier-consumer'], 'mobile-app');
    } finally {
      await oidc.stop();
    }
  });

  it('separate instances share one signing-key ring, so any JWKS verifies any minted JWT', async () => {
    const child = new URL('../helpers/gateway-jwks-child.ts', import.meta.url).pathname;
    const instance = async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, redis.endpoint]);
      return JSON.parse(stdout) as { jwks: JSONWebKeySet; token: string };
    };
    const [first, second] = await Promise.all([instance(), instance()]);
    assert.deepEqual(
      first.jwks.keys.map((k) => k.kid),
      second.jwks.keys.map((k) => k.kid),
    );
    const { payload } = await jwtVerify(first.token, createLocalJWKSet(second.jwks), {
      issuer: 'https://cluster.test',
    });
    assert.equal(payload.client_id, 'c');
  });

  it('fails closed by default when Redis is down, and open when configured', async () => {
    const [closed] = await twoInstances('outage@file', rateLimit, { average: 10 });
    const open = await startHarness(buildMiddleware(rateLimit, { average: 10, failOpen: true }, gatewayDeps()));
    servers.push(open);
    assert.equal((await closed.send({})).status, 200);
    await redis.stop();
    const refused = await closed.send({});
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await open.send({})).status, 200);
  });

  it('answers at once, without hanging, when Redis is unreachable from the start', async () => {
    configureGateway({}, { redis: { endpoint: '127.0.0.1:9' } });
    const server = await startHarness(buildMiddleware(rateLimit, { average: 10 }, gatewayDeps()));
    servers.push(server);
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      assert.equal((await server.send({})).status, 503);
      assert.ok(Date.now() - started < 3000);
    }
  });
});
