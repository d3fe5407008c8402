import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createHmac } from 'node:crypto';
import { jwtAuth } from '../../src/gateway/jwt-auth.js';
import { configureGateway } from '../../src/gateway/settings.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';

let ecKey: CryptoKey;
let ecPem: string;
let rsaPem: string;
const servers: Harness[] = [];

before(async () => {
  configureGateway({});
  const ec = await generateKeyPair('ES256', { extractable: true });
  ecKey = ec.privateKey;
  ecPem = await exportSPKI(ec.publicKey);
  rsaPem = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
});
after(async () => Promise.all(servers.map((s) => s.close())));

async function harness(options: Record<string, unknown>): Promise<Harness> {
  const server = await startHarness(buildMiddleware(jwtAuth, options, gatewayDeps()));
  servers.push(server);
  return server;
}

function token(claims: Record<string, unknown> = {}, expiresIn: string | number = '5m'): Promise<string> {
  const defaults = { iss: 'https://idp.example', aud: 'orders', sub: 'user-7', client_id: 'billing' };
  return new SignJWT({ ...defaults, scope: 'orders:read profile', email: 'ops@example.com', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'ec1' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(ecKey);
}

const base = () => ({ keys: [{ kid: 'ec1', pem: ecPem }], issuer: 'https://idp.example', audience: 'orders' });
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

describe('jwtAuth with static keys', () => {
  it('accepts a valid token, names the consumer and forwards chosen claims', async () => {
    const server = await harness({ ...base(), forwardClaims: { 'X-User-Email': 'email', 'X-Scopes': 'scope' } });
    const reply = await server.send({ headers: { ...bearer(await token()), 'x-user-email': 'forged@example.com' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.upstream?.headers['x-portier-consumer'], 'billing');
    assert.equal(reply.upstream?.headers['x-user-email'], 'ops@example.com');
    assert.equal(reply.upstream?.headers['x-scopes'], 'orders:read profile');
  });

  it('rejects alg none and an HS256 token keyed with the public key', async () => {
    const server = await harness(base());
    const payload = Buffer.from(JSON.stringify({ iss: 'https://idp.example', aud: 'orders', exp: 9e9 })).toString(
      'base64url',
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const header = Buffer.from('{"alg":"HS256","kid":"ec1"}').toString('base64url');
    const mac = createHmac('sha256', ecPem).update(`${header}.${payload}`).digest('base64url');
    for (const jwt of [none, `${header}.${payload}.${mac}`]) {
      const reply = await server.send({ headers: bearer(jwt) });
      assert.equal(reply.status, 401);
      assert.equal(reply.headers['www-authenticate'], 'Bearer error="invalid_token"');
    }
  });

  it('checks iss, aud and exp with leeway', async () => {
    const server = await harness({ ...base(), leeway: '30s' });
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await server.send({ headers: bearer(await token({}, now - 20)) })).status, 200);
    assert.equal((await server.send({ headers: bearer(await token({}, now - 40)) })).status, 401);
    assert.equal((await server.send({ headers: bearer(await token({ iss: 'https://evil.example' })) })).status, 401);
    assert.equal((await server.send({ headers: bearer(await token({ aud: 'other' })) })).status, 401);
    assert.equal((await server.send({})).headers['www-authenticate'], 'Bearer');
  });

  it('answers 403 insufficient_scope and 401 for missing required claims', async () => {
    const scoped = await harness({ ...base(), requiredScopes: ['orders:write'] });
    const reply = await scoped.send({ headers: bearer(await token()) });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['www-authenticate'], 'Bearer error="insufficient_scope", scope="orders:write"');
    const claimed = await harness({ ...base(), requiredClaims: ['tenant'] });
    assert.equal((await claimed.send({ headers: bearer(await token()) })).status, 401);
    assert.equal((await claimed.send({ headers: bearer(await token({ tenant: 't1' })) })).status, 200);
  });

  it('accepts HS256 tokens with a static secret, and only HMAC algorithms there', async () => {
    const secret = 'a-shared-hmac-secret-of-32-bytes!';
    const server = await harness({ keys: [{ secret }], issuer: 'https://idp.example' });
    const jwt = await new SignJWT({ sub: 'svc', iss: 'https://idp.example' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1m')
      .sign(Buffer.from(secret));
    const reply = await server.send({ headers: bearer(jwt) });
    assert.equal(reply.status, 200);
    assert.equal(reply.upstream?.headers['x-portier-consumer'], 'svc');
    assert.equal((await server.send({ headers: bearer(await token()) })).status, 401, 'an ES256 token is refused');
  });

  it('refuses none, mixed HMAC/RSA configurations and HMAC algorithms with public keys', () => {
    const build = (options: Record<string, unknown>) => () => buildMiddleware(jwtAuth, options, gatewayDeps());
    assert.throws(build({ ...base(), algorithms: ['none'] }), /"none" is not allowed/);
    assert.throws(
      build({ keys: [{ pem: rsaPem }], algorithms: ['RS256', 'HS256'] }),
      /"HS256" is not allowed with public keys/,
    );
    assert.throws(
      build({ keys: [{ pem: rsaPem }, { secret: 'x'.repeat(32) }] }),
      /mixes HMAC secrets with public keys/,
    );
    assert.throws(
      build({ jwksUrl: 'https://idp/jwks', keys: [{ pem: rsaPem }] }),
      /exactly one of "jwksUrl" or "keys"/,
    );
  });
});
