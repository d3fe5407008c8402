import { errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from '../middlewares/define.js';
import { duration, headerMap, stringList } from '../middlewares/options.js';
import type { Middleware, MiddlewareDeps } from '../middlewares/types.js';
import { admitClaims, bearerToken, rejectBearer, rejectUnavailable } from './bearer.js';
import { stripClientConsumerHeader } from './consumers.js';
import { KeySourceUnavailable, remoteKeys, staticKey, staticKeys, type KeyResolver } from './jwt-keys.js';
import { millis, optionsKey, seconds } from './options.js';
import { gatewayClock } from './settings.js';

const schema = z.strictObject({
  jwksUrl: z.string().optional(),
  jwksCacheDuration: duration.optional(),
  jwksRefetchCooldown: duration.optional(),
  jwksTimeout: duration.optional(),
  keys: z
    .array(
      z.strictObject({
        kid: z.string().optional(),
        pem: z.string().optional(),
        jwk: z.record(z.string(), z.unknown()).optional(),
        secret: z.string().optional(),
      }),
    )
    .optional(),
  algorithms: stringList.optional(),
  issuer: stringList.optional(),
  audience: stringList.optional(),
  /** Tolerated clock difference for exp/nbf/iat (default 60s). */
  leeway: duration.optional(),
  requiredClaims: stringList.optional(),
  requiredScopes: stringList.optional(),
  /** Expected `typ` header, e.g. `at+jwt` for RFC 9068 access tokens. */
  typ: z.string().optional(),
  /** Upstream request header → claim name. */
  forwardClaims: headerMap.optional(),
});

const SYMMETRIC = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

function create(options: z.output<typeof schema>, deps: MiddlewareDeps): Middleware {
  const key = optionsKey(deps, 'jwtAuth');
  const { resolver, symmetric } = keySource(options, key);
  const algorithms = allowedAlgorithms(options.algorithms, symmetric, `${key}.algorithms`);
  const verifyOptions = {
    algorithms,
    issuer: options.issuer?.length ? options.issuer : undefined,
    audience: options.audience?.length ? options.audience : undefined,
    clockTolerance: seconds(options.leeway ?? 60, `${key}.leeway`),
    requiredClaims: options.requiredClaims,
    typ: options.typ,
  };
  const requiredScopes = options.requiredScopes ?? [];

  return (next) => async (ctx) => {
    stripClientConsumerHeader(ctx);
    const token = bearerToken(ctx);
    if (!token) {
      rejectBearer(ctx, deps, 'missing', 'no bearer token');
      return;
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, resolver, {
        ...verifyOptions,
        currentDate: new Date(gatewayClock.now()),
      }));
    } catch (error) {
      if (error instanceof KeySourceUnavailable) rejectUnavailable(ctx, deps, error.message);
      else rejectBearer(ctx, deps, 'invalid_token', describeJoseError(error));
      return;
    }
    const policy = { requiredScopes, forwardClaims: options.forwardClaims };
    if (!admitClaims(ctx, deps, claims, policy, { jti: claims.jti })) return;
    await next(ctx);
  };
}

function keySource(options: z.output<typeof schema>, key: string): { resolver: KeyResolver; symmetric: boolean } {
  if ((options.jwksUrl === undefined) === (options.keys === undefined)) {
    throw new ConfigError('set exactly one of "jwksUrl" or "keys"', key);
  }
  if (options.jwksUrl !== undefined) {
    const resolver = remoteKeys(
      options.jwksUrl,
      {
        cacheMaxAgeMs: millis(options.jwksCacheDuration ?? '10m', `${key}.jwksCacheDuration`),
        cooldownMs: millis(options.jwksRefetchCooldown ?? '30s', `${key}.jwksRefetchCooldown`),
        timeoutMs: millis(options.jwksTimeout ?? '5s', `${key}.jwksTimeout`),
      },
      `${key}.jwksUrl`,
    );
    return { resolver, symmetric: false };
  }
  const keys = options.keys!.map((config, i) => staticKey(config, `${key}.keys[${i}]`));
  if (keys.length === 0) throw new ConfigError('lists no keys', `${key}.keys`);
  const symmetric = keys[0]!.symmetric;
  if (keys.some((k) => k.symmetric !== symmetric)) {
    throw new ConfigError('mixes HMAC secrets with public keys; use one kind per middleware', `${key}.keys`);
  }
  return { resolver: staticKeys(keys), symmetric };
}

/** The allowlist: never `none`, and HMAC algorithms only with HMAC secrets (no RSA/HMAC confusion). */
function allowedAlgorithms(configured: string[] | undefined, symmetric: boolean, key: string): string[] {
  const family = symmetric ? SYMMETRIC : ASYMMETRIC;
  if (!configured?.length) return family;
  for (const alg of configured) {
    if (!family.includes(alg)) {
      const kind = symmetric ? 'HMAC secrets' : 'public keys';
      throw new ConfigError(`"${alg}" is not allowed with ${kind}; choose from ${family.join(', ')}`, key);
    }
  }
  return configured;
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return `unreadable token: ${(error as Error).message}`;
}

export const jwtAuth = defineMiddleware(schema, create, ['keys']);
