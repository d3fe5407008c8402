/**
 * The gateway's shared-state scenario, run against one cluster store kind: two Portier processes
 * on their own loopback ports share only the store, and must enforce one rate limit, accept each
 * other's sessions, reject each other's replayed nonces, serve one JWKS, and fail closed while the
 * store is down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { send, type SendOptions } from './gateway-harness.js';
import { GATEWAY_CLIENT, OPAQUE_RESOURCE, signingKey, startOidc, type TestOidc } from './gateway-oidc.js';
import { signRequest } from './gateway-sign.js';
import { startKvServer, type KvServer } from './kv-servers.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from './portier.js';
import { startEchoUpstream, type EchoReply, type Upstream } from './upstream.js';

const SECRET = 'cluster-device-secret-0123456789abcdef';
const ISSUER = 'https://cluster.test';
const LIMIT = 20;

interface Instance {
  portier: RunningPortier;
  web: number;
  api: number;
}

function clusterSection(store: KvServer): Record<string, unknown> {
  return store.kind === 'etcd'
    ? { etcd: { endpoints: [store.endpoint] } }
    : { redis: { endpoint: `redis://${store.endpoint}` } };
}

function dynamicConfig(upstream: Upstream, oidc: TestOidc): unknown {
  const introspection = {
    introspectionUrl: `${oidc.issuer}/token/introspection`,
    clientId: GATEWAY_CLIENT.id,
    clientSecret: GATEWAY_CLIENT.secret,
  };
  const router = (host: string, middleware: string) => ({
    rule: `Host(\`${host}\`)`,
    middlewares: [middleware],
    service: 'app',
  });
  return {
    http: {
      routers: {
        limited: router('limited.test', 'limit'),
        signed: router('signed.test', 'sig'),
        session: router('session.test', 'session'),
        minted: router('minted.test', 'minted'),
      },
      middlewares: {
        limit: { rateLimit: { average: LIMIT, period: '1h', burst: LIMIT } },
        sig: { hmacAuth: { requireNonce: true } },
        session: { oauth2Introspection: { ...introspection, mode: 'session' } },
        minted: { oauth2Introspection: { ...introspection, mode: 'jwt', jwt: { audience: 'orders' } } },
      },
      services: { app: { loadBalancer: { servers: [{ url: upstream.url }] } } },
      consumers: { device: { hmacKeys: [{ id: 'device', secret: SECRET }] } },
    },
  };
}

function signedRequest(nonce: string): SendOptions {
  const signature = signRequest({
    method: 'GET',
    authority: 'signed.test',
    path: '/x',
    headers: {},
    components: ['@method', '@authority', '@path', '@query'],
    keyId: 'device',
    secret: Buffer.from(SECRET),
    created: Math.floor(Date.now() / 1000),
    nonce,
  });
  return { path: '/x', headers: { host: 'signed.test', ...signature } };
}

export function describeSharedGateway(kind: 'etcd' | 'redis'): void {
  describe(`two Portier processes sharing gateway state through ${kind}`, () => {
    let store: KvServer;
    let upstream: Upstream;
    let oidc: TestOidc;
    let a: Instance;
    let b: Instance;

    const start = async (): Promise<Instance> => {
      const [web, api] = [await freePort(), await freePort()];
      const dir = tempDir({
        'portier.yml': JSON.stringify({
          entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
          api: { insecure: true, dashboard: false },
          providers: { file: { filename: 'dynamic.yml' } },
          gateway: { jwt: { issuer: ISSUER } },
          cluster: clusterSection(store),
        }),
        'dynamic.yml': JSON.stringify(dynamicConfig(upstream, oidc)),
      });
      return { portier: await startPortier(['-c', `${dir}/portier.yml`]), web, api };
    };
    const jwks = async (instance: Instance) =>
      (await (await fetch(`http://127.0.0.1:${instance.api}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

    before(async () => {
      [store, upstream, oidc] = await Promise.all([
        startKvServer(kind),
        startEchoUpstream('cluster'),
        signingKey('k1').then((key) => startOidc([key])),
      ]);
      [a, b] = await Promise.all([start(), start()]);
    });

    after(async () => {
      await Promise.all([a?.portier.stop(), b?.portier.stop()]);
      await Promise.all([store?.stop(), upstream?.close(), oidc?.stop()]);
    });

    it('admits exactly the limit across both instances under concurrent load', async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++) {
        const batch = Array.from({ length: 12 }, (_, i) =>
          send((i % 2 ? a : b).web, { headers: { host: 'limited.test' } }),
        );
        statuses.push(...(await Promise.all(batch)).map((reply) => reply.status));
      }
      assert.equal(statuses.filter((status) => status === 200).length, LIMIT, statuses.join(','));
      assert.equal(statuses.filter((status) => status === 429).length, 60 - LIMIT, statuses.join(','));
    });

    it('accepts at B a session started at A', async () => {
      const token = await oidc.token(OPAQUE_RESOURCE);
      const first = await send(a.web, { headers: { host: 'session.test', authorization: `Bearer ${token}` } });
      assert.equal(first.status, 200, first.text);
      const cookie = String(first.headers['set-cookie']).split(';')[0]!;
      const elsewhere = await send(b.web, { headers: { host: 'session.test', cookie } });
      assert.equal(elsewhere.status, 200, elsewhere.text);
      assert.equal((JSON.parse(elsewhere.text) as EchoReply).headers['x-portier-consumer'], 'mobile-app');
      const forged = await send(b.web, { headers: { host: 'session.test', cookie: `${cookie}x` } });
      assert.equal(forged.status, 401);
    });

    it('rejects at B a nonce already used at A', async () => {
      const request = signedRequest(`once-${kind}`);
      assert.equal((await send(a.web, request)).status, 200);
      assert.equal((await send(b.web, request)).status, 401);
      assert.equal((await send(b.web, signedRequest(`other-${kind}`))).status, 200);
    });

    it('serves one JWKS from both, which verifies a JWT minted by either', async () => {
      const [fromA, fromB] = await Promise.all([jwks(a), jwks(b)]);
      assert.equal(fromA.keys.length, 2);
      assert.deepEqual(
        fromA.keys.map((key) => key.kid),
        fromB.keys.map((key) => key.kid),
      );
      const token = await oidc.token(OPAQUE_RESOURCE);
      const reply = await send(a.web, { headers: { host: 'minted.test', authorization: `Bearer ${token}` } });
      assert.equal(reply.status, 200, reply.text);
      const minted = String((JSON.parse(reply.text) as EchoReply).headers.authorization).replace(/^Bearer /, '');
      const { payload } = await jwtVerify(minted, createLocalJWKSet(fromB), { issuer: ISSUER, audience: 'orders' });
      assert.equal(payload.client_id, 'mobile-app');
    });

    it('fails closed while the store is down, and keeps what it held once back', async () => {
      await store.kill();
      for (const request of [{ headers: { host: 'limited.test' } }, signedRequest(`down-${kind}`)]) {
        const started = Date.now();
        const reply = await send(a.web, request);
        assert.equal(reply.status, 503, reply.text);
        assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      }
      await store.start();
      // Clients reconnect with a backoff of their own.
      const limited = (instance: Instance) => send(instance.web, { headers: { host: 'limited.test' } });
      await waitFor(async () => (await limited(a)).status !== 503, 5000, `${kind} back`);
      // The limit was used up before the outage: it still is, at both.
      for (const instance of [a, b]) {
        assert.equal((await limited(instance)).status, 429);
      }
      assert.equal((await send(b.web, signedRequest(`once-${kind}`))).status, 401);
    });
  });
}
