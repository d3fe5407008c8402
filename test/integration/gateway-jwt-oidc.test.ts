import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { jwtAuth } from '../../src/gateway/jwt-auth.js';
import { configureGateway } from '../../src/gateway/settings.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';
import { JWT_RESOURCE, signingKey, startOidc, type TestOidc } from '../helpers/gateway-oidc.js';

let oidc: TestOidc;
const servers: Harness[] = [];

before(async () => {
  configureGateway({});
  oidc = await startOidc([await signingKey('k1')]);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await oidc.stop();
});

async function harness(options: Record<string, unknown>): Promise<Harness> {
  const server = await startHarness(buildMiddleware(jwtAuth, options, gatewayDeps()));
  servers.push(server);
  return server;
}

function options(extra: Record<string, unknown> = {}) {
  return {
    jwksUrl: `${oidc.issuer}/jwks`,
    issuer: oidc.issuer,
    audience: JWT_RESOURCE,
    typ: 'at+jwt',
    requiredScopes: ['orders:read'],
    ...extra,
  };
}

const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

describe('jwtAuth against oidc-provider', () => {
  it('accepts its access tokens through the JWKS URL, then follows a key rotation', async () => {
    const server = await harness(options({ jwksRefetchCooldown: 0 }));
    const before = await oidc.token(JWT_RESOURCE);
    const first = await server.send(bearer(before));
    assert.equal(first.status, 200);
    assert.equal(first.upstream?.headers['x-portier-consumer'], 'mobile-app');
    const writeOnly = await server.send(bearer(await oidc.token(JWT_RESOURCE, 'orders:write')));
    assert.equal(writeOnly.status, 403);

    // Rotate: the provider restarts signing with k2 and still publishes k1.
    const { port } = oidc;
    await oidc.stop();
    oidc = await startOidc([await signingKey('k2'), await signingKey('k1-replaced')], port);
    const rotated = await oidc.token(JWT_RESOURCE);
    assert.equal(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid, 'k2');
    assert.equal((await server.send(bearer(rotated))).status, 200);
    assert.equal(oidc.hits.get('/jwks'), 1, 'one refetch for the unknown kid');
  });

  it('refetches at most once per cooldown for unknown kids', async () => {
    const server = await harness(options());
    const fetchesBefore = oidc.hits.get('/jwks') ?? 0;
    assert.equal((await server.send(bearer(await oidc.token(JWT_RESOURCE)))).status, 200);
    const { privateKey } = await generateKeyPair('RS256');
    for (const kid of ['ghost-1', 'ghost-2', 'ghost-3']) {
      const forged = await new SignJWT({ scope: 'orders:read' })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(oidc.issuer)
        .setAudience(JWT_RESOURCE)
        .setExpirationTime('5m')
        .sign(privateKey);
      assert.equal((await server.send(bearer(forged))).status, 401);
    }
    assert.equal((oidc.hits.get('/jwks') ?? 0) - fetchesBefore, 1);
  });

  it('fails closed with 503 when the JWKS URL is unreachable', async () => {
    const token = await oidc.token(JWT_RESOURCE);
    const server = await harness(options({ jwksUrl: 'http://127.0.0.1:9/jwks' }));
    const reply = await server.send(bearer(token));
    assert.equal(reply.status, 503);
    assert.ok(reply.headers['retry-after']);
  });
});
