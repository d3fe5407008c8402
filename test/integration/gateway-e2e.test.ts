/** The gateway through the real `portier` binary (built dist/): file config, consumers, upstream. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { send } from '../helpers/gateway-harness.js';
import { contentDigest, signRequest } from '../helpers/gateway-sign.js';
import { freePort, startPortier, tempDir, type RunningPortier } from '../helpers/portier.js';
import { startRedis } from '../helpers/gateway-redis.js';
import { startEchoUpstream, type EchoReply, type Upstream } from '../helpers/upstream.js';

const SECRET = 'e2e-device-secret-0123456789abcdef';
let upstream: Upstream;
let portier: RunningPortier;
let port: number;

before(async () => {
  upstream = await startEchoUpstream('api');
  port = await freePort();
  const dir = tempDir({
    'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${port}"\nproviders:\n  file:\n    filename: dynamic.yml\ngateway:\n  consumerHeader: X-Client\n`,
    'dynamic.yml': `http:
  routers:
    signed:
      rule: "PathPrefix(\`/signed\`)"
      middlewares: [sig, limit]
      service: api
    keyed:
      rule: "PathPrefix(\`/keyed\`)"
      middlewares: [key]
      service: api
  middlewares:
    sig:
      hmacAuth: {}
    key:
      apiKey: {}
    limit:
      rateLimit: { average: 2, period: 1h, burst: 2, sourceCriterion: { consumer: true } }
  services:
    api:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
  consumers:
    device:
      hmacKeys: [{ id: device-1, secret: "${SECRET}" }]
      apiKeys: ["e2e-api-key"]
`,
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});
after(async () => {
  await portier?.stop();
  await upstream?.close();
});

function signedPost(body: string) {
  const headers = { 'content-digest': contentDigest(body) };
  const signature = signRequest({
    method: 'POST',
    authority: 'api.test',
    path: '/signed/orders',
    headers,
    components: ['@method', '@authority', '@path', '@query', 'content-digest'],
    keyId: 'device-1',
    secret: Buffer.from(SECRET),
    created: Math.floor(Date.now() / 1000),
  });
  return { method: 'POST', path: '/signed/orders', body, headers: { host: 'api.test', ...headers, ...signature } };
}

describe('gateway end to end through bin/portier.js', () => {
  it('apiKey names the consumer in the configured header and drops a forged one', async () => {
    const reply = await send(port, { path: '/keyed/x', headers: { 'x-api-key': 'e2e-api-key', 'x-client': 'admin' } });
    assert.equal(reply.status, 200);
    const echo = JSON.parse(reply.text) as EchoReply;
    assert.equal(echo.headers['x-client'], 'device');
    assert.equal(echo.headers['x-api-key'], undefined);
    assert.equal((await send(port, { path: '/keyed/x', headers: { 'x-api-key': 'nope' } })).status, 401);
  });

  it('hmacAuth forwards the verified body, rejects tampering, and the per-consumer limit applies', async () => {
    const body = JSON.stringify({ item: 'book', quantity: 2 });
    const first = await send(port, signedPost(body));
    assert.equal(first.status, 200, first.text);
    const echo = JSON.parse(first.text) as EchoReply;
    assert.equal(echo.bodyBytes, Buffer.byteLength(body));
    assert.equal(echo.headers['x-client'], 'device');
    assert.ok(first.headers['ratelimit-remaining'] !== undefined);

    const tampered = { ...signedPost(body), body: body.replace('2', '9') };
    assert.equal((await send(port, tampered)).status, 400);
    assert.equal((await send(port, signedPost(body))).status, 200);
    const limited = await send(port, signedPost(body));
    assert.equal(limited.status, 429);
    assert.ok(limited.headers['retry-after']);
  });
});

describe('two portier processes sharing one redis-server', () => {
  it('enforce one rate limit together, exactly', async () => {
    const redis = await startRedis();
    const ports = [await freePort(), await freePort()];
    const dynamic = `http:
  routers:
    all:
      rule: "PathPrefix(\`/\`)"
      middlewares: [limit]
      service: api
  middlewares:
    limit:
      rateLimit: { average: 60, period: 1h, burst: 60, sourceCriterion: { requestHeaderName: X-Tenant } }
  services:
    api:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`;
    const instances: RunningPortier[] = [];
    try {
      for (const instancePort of ports) {
        const dir = tempDir({
          'portier.yml': `entryPoints:\n  web:\n    address: "127.0.0.1:${instancePort}"\nproviders:\n  file:\n    filename: dynamic.yml\ncluster:\n  redis:\n    endpoint: "${redis.endpoint}"\n`,
          'dynamic.yml': dynamic,
        });
        instances.push(await startPortier(['-c', join(dir, 'portier.yml')]));
      }
      const statuses: number[] = [];
      for (let round = 0; round < 10; round++) {
        const batch = Array.from({ length: 20 }, (_, i) =>
          send(ports[i % 2]!, { path: '/x', headers: { 'x-tenant': 'acme' } }),
        );
        statuses.push(...(await Promise.all(batch)).map((reply) => reply.status));
      }
      assert.equal(statuses.filter((s) => s === 200).length, 60);
      assert.equal(statuses.filter((s) => s === 429).length, 140);
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
      await redis.stop();
    }
  });
});
