import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { oauth2Introspection } from '../../src/gateway/oauth2-introspection.js';
import { configureGateway } from '../../src/gateway/settings.js';
import { createJwksHandler } from '../../src/gateway/signing-keys.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';
import { GATEWAY_CLIENT, OPAQUE_RESOURCE, signingKey, startOidc, type TestOidc } from '../helpers/gateway-oidc.js';

let oidc: TestOidc;
const servers: Harness[] = [];

before(async () => {
  configureGateway({ jwt: { issuer: 'https://portier.test', algorithm: 'ES256' } });
  oidc = await startOidc([await signingKey('k1')]);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await oidc.stop();
});

async function harness(extra: Record<string, unknown> = {}): Promise<Harness> {
  const options = {
    introspectionUrl: `${oidc.issuer}/token/introspection`,
    clientId: GATEWAY_CLIENT.id,
    clientSecret: GATEWAY_CLIENT.secret,
    ...extra,
  };
  const server = await startHarness(buildMiddleware(oauth2Introspection, options, gatewayDeps()));
  servers.push(server);
  return server;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const introspections = () => oidc.hits.get('/token/introspection') ?? 0;

describe('oauth2Introspection against oidc-provider', () => {
  it('passes active tokens, caches the answer and makes one call for concurrent lookups', async () => {
    const server = await harness({ requiredScopes: ['orders:read'], forwardClaims: { 'X-Scope': 'scope' } });
    const token = await oidc.token(OPAQUE_RESOURCE);
    const start = introspections();
    const replies = await Promise.all(Array.from({ length: 8 }, () => server.send(bearer(token))));
    assert.deepEqual(
      replies.map((r) => r.status),
      Array(8).fill(200),
    );
    assert.equal(replies[0]!.upstream?.headers['x-portier-consumer'], 'mobile-app');
    assert.equal(replies[0]!.upstream?.headers['x-scope'], 'orders:read');
    assert.equal((await server.send(bearer(token))).status, 200);
    assert.equal(introspections() - start, 1);
  });

  it('answers 401 invalid_token for unknown tokens (cached briefly) and 403 for a missing scope', async () => {
    const server = await harness({ requiredScopes: ['orders:write'] });
    const start = introspections();
    for (let i = 0; i < 2; i++) {
      const reply = await server.send(bearer('not-a-token-at-all'));
      assert.equal(reply.status, 401);
      assert.equal(reply.headers['www-authenticate'], 'Bearer error="invalid_token"');
    }
    assert.equal(introspections() - start, 1);
    const reply = await server.send(bearer(await oidc.token(OPAQUE_RESOURCE)));
    assert.equal(reply.status, 403);
    assert.match(String(reply.headers['www-authenticate']), /insufficient_scope/);
  });

  it('answers 503 with Retry-After, never 401, when the server is unreachable or refuses the gateway', async () => {
    const token = await oidc.token(OPAQUE_RESOURCE);
    const down = await harness({ introspectionUrl: 'http://127.0.0.1:9/introspect' });
    const reply = await down.send(bearer(token));
    assert.equal(reply.status, 503);
    assert.ok(reply.headers['retry-after']);
    const wrongSecret = await harness({ clientSecret: 'wrong-secret' });
    assert.equal((await wrongSecret.send(bearer(token))).status, 503);
  });

  it('session mode: sets a __Host- cookie, then the cookie alone passes', async () => {
    const server = await harness({ mode: 'session' });
    const first = await server.send(bearer(await oidc.token(OPAQUE_RESOURCE)));
    assert.equal(first.status, 200);
    const setCookie = String(first.headers['set-cookie']);
    assert.match(
      setCookie,
      /^__Host-portier-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; Secure; HttpOnly; SameSite=Lax$/,
    );
    const cookie = setCookie.split(';')[0]!;
    const start = introspections();
    const later = await server.send({ headers: { cookie: `theme=dark; ${cookie}` } });
    assert.equal(later.status, 200);
    assert.equal(later.upstream?.headers['x-portier-consumer'], 'mobile-app');
    assert.equal(later.upstream?.headers.cookie, 'theme=dark');
    assert.equal(introspections(), start);
    const forged = await server.send({ headers: { cookie: `__Host-portier-session=${'A'.repeat(43)}` } });
    assert.equal(forged.status, 401);
  });

  // Regression guard: the session store is per process, so a middleware rebuilt as on a reload keeps it.
  it('session mode: rebuilding the middleware keeps its sessions', async () => {
    const first = await (await harness({ mode: 'session' })).send(bearer(await oidc.token(OPAQUE_RESOURCE)));
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const start = introspections();
    const rebuilt = await harness({ mode: 'session' });
    const later = await rebuilt.send({ headers: { cookie } });
    assert.equal(later.status, 200);
    assert.equal(later.upstream?.headers['x-portier-consumer'], 'mobile-app');
    assert.equal(introspections(), start);
  });

  it('jwt mode: the upstream gets a Portier-signed JWT that verifies with the served JWKS', async () => {
    const server = await harness({ mode: 'jwt', jwt: { audience: 'orders-service', ttl: '2m' } });
    const reply = await server.send(bearer(await oidc.token(OPAQUE_RESOURCE)));
    assert.equal(reply.status, 200);
    const minted = String(reply.upstream?.headers.authorization).replace(/^Bearer /, '');
    const jwksServer = await startHarness(() => createJwksHandler());
    servers.push(jwksServer);
    const jwks = JSON.parse((await jwksServer.send({ path: '/.well-known/jwks.json' })).text) as JSONWebKeySet;
    assert.equal(jwks.keys.length, 2, 'current and next key');
    const { payload, protectedHeader } = await jwtVerify(minted, createLocalJWKSet(jwks), {
      issuer: 'https://portier.test',
      audience: 'orders-service',
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.client_id, 'mobile-app');
    assert.equal(payload.scope, 'orders:read');
    assert.equal(payload.exp! - payload.iat!, 120);
    assert.ok(payload.jti && payload.sub);
  });
});
