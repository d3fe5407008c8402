import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { SignJWT } from 'jose';
import type { Handler } from '../runtime/context.js';
import { logger } from '../observability/logger.js';
import type { SharedKv } from '../cluster/shared-kv.js';
import { gatewaySharedKv } from './cluster-store.js';
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
 * Rotation happens lazily when a token is minted or the JWKS is served. With a cluster store
 * (Redis or etcd), all instances share one ring (re-read every 30 s), so any instance's JWKS
 * verifies any instance's tokens; if the store is down, an instance keeps the keys it has.
 */
interface Ring {
  previous?: SigningKey;
  current: SigningKey;
  next: SigningKey;
  rotatedAt: number;
}

const RING_KEY = 'portier:jwt:ring';
const SYNC_INTERVAL_MS = 30_000;
let local: Ring | undefined;
let lastSync = -Infinity;
let syncing: Promise<Ring> | undefined;

function generate(alg: 'ES256' | 'EdDSA'): SigningKey {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return signingKey(alg, privateKey);
}

function signingKey(alg: 'ES256' | 'EdDSA', privateKey: KeyObject): SigningKey {
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kid: thumbprint(publicJwk), alg, privateKey, publicJwk };
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const freshRing = (alg: 'ES256' | 'EdDSA', now: number): Ring => ({
  current: generate(alg),
  next: generate(alg),
  rotatedAt: now,
});
const rotationDue = (ring: Ring, now: number): boolean => now - ring.rotatedAt >= gatewaySettings.jwtKeyRotationMs;
const rotate = (ring: Ring, now: number): Ring => ({
  previous: ring.current,
  current: ring.next,
  next: generate(ring.current.alg),
  rotatedAt: now,
});

async function currentRing(): Promise<Ring> {
  const now = gatewayClock.now();
  const alg = gatewaySettings.jwtAlgorithm;
  const stale = !local || local.current.alg !== alg || rotationDue(local, now) || now - lastSync >= SYNC_INTERVAL_MS;
  const shared = gatewaySharedKv();
  if (shared && stale) {
    lastSync = now;
    syncing ??= sharedRing(shared, alg, now).finally(() => {
      syncing = undefined;
    });
    try {
      local = await syncing;
      return local;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "JWT signing keys not shared: using this instance's keys");
    }
  }
  if (!local || local.current.alg !== alg) local = freshRing(alg, now);
  else if (rotationDue(local, now)) local = rotate(local, now);
  return local;
}

/** The ring in the cluster store: the first instance creates it; one instance per period rotates it. */
async function sharedRing(kv: SharedKv, alg: 'ES256' | 'EdDSA', now: number): Promise<Ring> {
  const stored = await kv.get(RING_KEY);
  let ring = stored ? decodeRing(stored) : undefined;
  if (!ring || ring.current.alg !== alg) {
    // Only if absent for a new cluster; an algorithm change in the static config replaces the ring.
    const fresh = encodeRing(freshRing(alg, now));
    if (ring) await kv.set(RING_KEY, fresh);
    else await kv.setIfAbsent(RING_KEY, fresh);
    ring = decodeRing((await kv.get(RING_KEY)) ?? '');
  } else if (rotationDue(ring, now) && (await kv.setIfAbsent(`${RING_KEY}:rotation:${ring.rotatedAt}`, '1', 300_000))) {
    ring = rotate(ring, now);
    await kv.set(RING_KEY, encodeRing(ring));
  }
  return ring;
}

function encodeRing(ring: Ring): string {
  const key = (k: SigningKey) => ({ alg: k.alg, jwk: k.privateKey.export({ format: 'jwk' }) });
  return JSON.stringify({
    rotatedAt: ring.rotatedAt,
    current: key(ring.current),
    next: key(ring.next),
    previous: ring.previous && key(ring.previous),
  });
}

function decodeRing(text: string): Ring {
  type Stored = { alg: 'ES256' | 'EdDSA'; jwk: JsonWebKey };
  const data = JSON.parse(text) as { rotatedAt: number; current: Stored; next: Stored; previous?: Stored };
  const key = (k: Stored) => signingKey(k.alg, createPrivateKey({ key: k.jwk, format: 'jwk' }));
  return {
    rotatedAt: data.rotatedAt,
    current: key(data.current),
    next: key(data.next),
    previous: data.previous && key(data.previous),
  };
}

export interface MintClaims {
  sub?: string;
  aud: string | string[];
  client_id?: string;
  scope?: string;
}

/** Signs a short-lived JWT (RFC 9068 shape) for the upstream with the current key. */
export async function mintJwt(claims: MintClaims, ttlSec: number): Promise<string> {
  const key = (await currentRing()).current;
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
export async function publicJwks(): Promise<{ keys: JsonWebKey[] }> {
  const { previous, current, next } = await currentRing();
  const keys = [current, next, ...(previous ? [previous] : [])];
  return { keys: keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })) };
}

/** Serves `/.well-known/jwks.json`: mount it on a router of the integrator's choosing. */
export function createJwksHandler(): Handler {
  return async (ctx) => {
    const body = Buffer.from(JSON.stringify(await publicJwks()));
    ctx.res.writeHead(200, {
      'content-type': 'application/jwk-set+json',
      'content-length': body.length,
      // Short enough that a rotation reaches upstreams well within one rotation period.
      'cache-control': 'public, max-age=300',
    });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
  };
}
