import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWK, type JWTHeaderParameters, type KeyInput } from 'jose';
import { ConfigError } from '../config/errors.js';

/** Resolves the verification key for a token header. */
export type KeyResolver = (header: JWTHeaderParameters) => Promise<KeyInput>;

/** The key source could not be reached or gave garbage: the request must fail closed (503). */
export class KeySourceUnavailable extends Error {
  override readonly name = 'KeySourceUnavailable';
}

export interface RemoteJwksOptions {
  cacheMaxAgeMs: number;
  cooldownMs: number;
  timeoutMs: number;
}

/**
 * One remote key set per URL and settings, shared across configuration reloads so that a reload
 * neither refetches nor forgets keys. jose refetches once on an unknown `kid`, then waits out
 * the cooldown.
 */
const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export function remoteKeys(url: string, options: RemoteJwksOptions, key: string): KeyResolver {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`"${url}" is not a URL; write the full JWKS address, e.g. https://idp/jwks`, key);
  }
  const id = `${parsed.href} ${options.cacheMaxAgeMs} ${options.cooldownMs} ${options.timeoutMs}`;
  let set = remoteSets.get(id);
  if (!set) {
    set = createRemoteJWKSet(parsed, {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs,
      timeoutDuration: options.timeoutMs,
    });
    remoteSets.set(id, set);
  }
  const jwks = set;
  return async (header) => {
    try {
      return await jwks(header);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySourceUnavailable(`JWKS ${parsed.href}: ${(error as Error).message}`);
    }
  };
}

export interface StaticKeyConfig {
  kid?: string;
  /** A public key in PEM (SPKI) form. */
  pem?: string;
  /** A public JWK. */
  jwk?: Record<string, unknown>;
  /** An HMAC secret (text). */
  secret?: string;
}

export interface StaticKey {
  kid?: string;
  key: KeyObject;
  symmetric: boolean;
}

export function staticKey(config: StaticKeyConfig, where: string): StaticKey {
  const given = [config.pem, config.jwk, config.secret].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ConfigError('set exactly one of "pem", "jwk" or "secret"', where);
  try {
    if (config.secret !== undefined) {
      if (Buffer.byteLength(config.secret) < 32) {
        throw new ConfigError('an HMAC secret must be at least 32 bytes', `${where}.secret`);
      }
      return { kid: config.kid, key: createSecretKey(Buffer.from(config.secret)), symmetric: true };
    }
    const key = config.pem
      ? createPublicKey(config.pem)
      : createPublicKey({ key: config.jwk as JWK & import('node:crypto').JsonWebKey, format: 'jwk' });
    if (key.type !== 'public') throw new ConfigError('must be a public key, not a private one', where);
    return { kid: config.kid ?? (config.jwk?.kid as string | undefined), key, symmetric: false };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`is not a usable key: ${(error as Error).message}`, where);
  }
}

/** Picks a static key by `kid`, or the only key when the token names none. */
export function staticKeys(keys: StaticKey[]): KeyResolver {
  return (header) => {
    const match = header.kid === undefined && keys.length === 1 ? keys[0] : keys.find((k) => k.kid === header.kid);
    if (!match) return Promise.reject(new errors.JWKSNoMatchingKey());
    return Promise.resolve(match.key);
  };
}
