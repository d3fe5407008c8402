import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { configureGateway, gatewayClock } from '../../src/gateway/settings.js';
import { mintJwt, publicJwks } from '../../src/gateway/signing-keys.js';

const realNow = gatewayClock.now;
after(() => {
  gatewayClock.now = realNow;
});

const kids = async (): Promise<string[]> => (await publicJwks()).keys.map((key) => String(key.kid));

describe('Portier signing keys', () => {
  it('publishes the next key a period ahead and keeps the previous one a period after', async () => {
    configureGateway({ jwt: { keyRotation: '1h' } });
    let now = Date.parse('2030-01-01T00:00:00Z');
    gatewayClock.now = () => now;
    const kidOf = async () => decodeProtectedHeader(await mintJwt({ aud: 'x', sub: 's' }, 60)).kid;
    const [a, b] = await kids();
    assert.equal(await kidOf(), a);
    now += 3_600_000;
    assert.equal(await kidOf(), b);
    const [, c] = await kids();
    assert.deepEqual(await kids(), [b, c, a]);
    now += 3_600_000;
    assert.equal(await kidOf(), c);
    assert.ok(!(await kids()).includes(a!), 'the key two periods old is retired');
    const token = await mintJwt({ aud: 'svc', client_id: 'app', scope: 'read' }, 60);
    const { payload } = await jwtVerify(token, createLocalJWKSet(await publicJwks()), {
      audience: 'svc',
      issuer: 'portier',
      currentDate: new Date(now),
    });
    assert.equal(payload.client_id, 'app');
  });

  it('signs with EdDSA when configured', async () => {
    gatewayClock.now = realNow;
    configureGateway({ jwt: { algorithm: 'EdDSA', issuer: 'https://gw' } });
    const token = await mintJwt({ aud: 'svc', sub: 'u1' }, 60);
    assert.equal(decodeProtectedHeader(token).alg, 'EdDSA');
    const { payload } = await jwtVerify(token, createLocalJWKSet(await publicJwks()), {
      issuer: 'https://gw',
    });
    assert.equal(payload.sub, 'u1');
  });
});
