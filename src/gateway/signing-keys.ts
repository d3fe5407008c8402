import { createHash, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Handler } from '../runtime/context.js';
import { gatewayClock, gatewaySettings } from './settings.js';

interface SigningKey {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

/**
 * Portier's own signing keys for the JWTs it mints. Three are kept: the previous key (still
 * published so tokens it signed stay verifiable), the current one, and the next one (published
 * a whole rotation period before it signs anything, so upstream JWKS caches already hold it).
 * Rotation happens lazily when a token is minted or the JWKS is served.
 */
let ring: { previous?: SigningKey; current: SigningKey; next: SigningKey; rotatedAt: number } | undefined;

function generate(alg: 'ES256' | 'EdDSA'): SigningKey {
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' });
  return { kid: thumbprint(publicJwk), alg, privateKey, publicJwk };
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function currentRing(): NonNullable<typeof ring> {
  const now = gatewayClock.now();
  const alg = gatewaySettings.jwtAlgorithm;
  if (!ring || ring.current.alg !== alg) {
    ring = { current: generate(alg), next: generate(alg), rotatedAt: now };
  } else if (now - ring.rotatedAt >= gatewaySettings.jwtKeyRotationMs) {
    ring = { previous: ring.current, current: ring.next, next: generate(alg), rotatedAt: now };
  }
  return ring;
}

export interface MintClaims {
  sub?: string;
  aud: string | string[];
  client_id?: string;
  scope?: string;
}

/** Signs a short-lived JWT (RFC 9068 shape) for the upstream with the current key. */
export function mintJwt(claims: MintClaims, ttlSec: number): Promise<string> {
  const key = currentRing().current;
  const now = Math.floor(gatewayClock.now() / 1000);
  const body: Record<string, unknown> = { client_id: claims.client_id, scope: claims.scope };
  return new SignJWT(body)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(gatewaySettings.jwtIssuer)
    .setSubject(claims.sub ?? claims.client_id ?? 'anonymous')
    .setAudience(claims.aud)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ttlSec)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(key.privateKey);
}

/** The public keys upstreams verify Portier's JWTs with. */
export function publicJwks(): { keys: JsonWebKey[] } {
  const { previous, current, next } = currentRing();
  const keys = [current, next, ...(previous ? [previous] : [])];
  return { keys: keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })) };
}

/** Serves `/.well-known/jwks.json`: mount it on a router of the integrator's choosing. */
export function createJwksHandler(): Handler {
  return (ctx) => {
    const body = Buffer.from(JSON.stringify(publicJwks()));
    ctx.res.writeHead(200, {
      'content-type': 'application/jwk-set+json',
      'content-length': body.length,
      // Short enough that a rotation reaches upstreams well within one rotation period.
      'cache-control': 'public, max-age=300',
    });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
  };
}
