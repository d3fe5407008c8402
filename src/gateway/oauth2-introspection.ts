import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from '../middlewares/define.js';
import { duration, headerMap, stringList } from '../middlewares/options.js';
import type { Middleware, MiddlewareDeps } from '../middlewares/types.js';
import { addResponseHeader, type RequestContext } from '../runtime/context.js';
import { admitClaims, bearerToken, rejectBearer, rejectUnavailable } from './bearer.js';
import { tokenConsumer } from './claims.js';
import { stripClientConsumerHeader } from './consumers.js';
import { introspect, IntrospectionUnavailable, type IntrospectionClient, type TokenInfo } from './introspection.js';
import { millis, optionsKey, seconds } from './options.js';
import { readCookie, removeCookie } from './cookies.js';
import { StoreUnavailable } from './redis.js';
import { sessionStore, type SessionStore } from './sessions.js';
import { gatewayClock, gatewaySettings } from './settings.js';
import { mintJwt } from './signing-keys.js';

const schema = z.strictObject({
  introspectionUrl: z.string(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
  tokenTypeHint: z.string().optional(),
  requiredScopes: stringList.optional(),
  /** Accept only tokens whose `aud` includes one of these. */
  audience: stringList.optional(),
  cacheTtl: duration.optional(),
  inactiveCacheTtl: duration.optional(),
  timeout: duration.optional(),
  forwardClaims: headerMap.optional(),
  /** What the upstream gets: the client's token (`forward`), a session cookie, or a Portier JWT. */
  mode: z.enum(['forward', 'session', 'jwt']).optional(),
  session: z
    .strictObject({
      cookieName: z.string().optional(),
      ttl: duration.optional(),
      sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
    })
    .optional(),
  jwt: z
    .strictObject({
      audience: stringList.optional(),
      ttl: duration.optional(),
      /** `Authorization` (as a Bearer token, the default) or another header for the bare JWT. */
      header: z.string().optional(),
    })
    .optional(),
});

type Options = z.output<typeof schema>;

function create(options: Options, deps: MiddlewareDeps): Middleware {
  const key = optionsKey(deps, 'oauth2Introspection');
  const client = introspectionClient(options, key);
  const mode = options.mode ?? 'forward';
  const requiredScopes = options.requiredScopes ?? [];
  const cookie = sessionCookie(options, key);
  const sessions = sessionStore();
  const minted = mintSettings(options, key);

  /** Checks a token's claims and hands the request on, shaped for the mode. */
  const admit = async (
    ctx: RequestContext,
    claims: Record<string, unknown>,
    next: (ctx: RequestContext) => unknown,
  ) => {
    if (!admitClaims(ctx, deps, claims, { requiredScopes, forwardClaims: options.forwardClaims })) return;
    if (mode === 'jwt') await attachJwt(ctx, claims, minted);
    await next(ctx);
  };

  return (next) => async (ctx) => {
    stripClientConsumerHeader(ctx);
    try {
      if (mode === 'session') {
        const session = await sessionFromCookie(ctx, cookie.name, sessions);
        if (session) {
          removeCookie(ctx, cookie.name);
          await admit(ctx, session, next);
          return;
        }
      }
      const token = bearerToken(ctx);
      if (!token) {
        rejectBearer(ctx, deps, 'missing', 'no bearer token or session');
        return;
      }
      const info = await introspect(client, token);
      const problem = inactiveReason(info, options.audience);
      if (problem) {
        rejectBearer(ctx, deps, 'invalid_token', problem, { consumer: tokenConsumer(info) });
        return;
      }
      if (mode === 'session') await startSession(ctx, info, cookie, sessions);
      await admit(ctx, info, next);
    } catch (error) {
      if (!(error instanceof IntrospectionUnavailable) && !(error instanceof StoreUnavailable)) throw error;
      rejectUnavailable(ctx, deps, (error as Error).message);
    }
  };
}

function introspectionClient(options: Options, key: string): IntrospectionClient {
  try {
    new URL(options.introspectionUrl);
  } catch {
    throw new ConfigError(`"${options.introspectionUrl}" is not a URL`, `${key}.introspectionUrl`);
  }
  return {
    url: options.introspectionUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authMethod: options.clientAuthMethod ?? 'client_secret_basic',
    tokenTypeHint: options.tokenTypeHint ?? 'access_token',
    timeoutMs: millis(options.timeout ?? '3s', `${key}.timeout`),
    activeTtlMs: millis(options.cacheTtl ?? '30s', `${key}.cacheTtl`),
    inactiveTtlMs: millis(options.inactiveCacheTtl ?? '5s', `${key}.inactiveCacheTtl`),
  };
}

function inactiveReason(info: TokenInfo, audience: string[] | undefined): string | undefined {
  if (!info.active) return 'token is not active';
  if (audience?.length) {
    const aud = Array.isArray(info.aud) ? info.aud : [info.aud];
    if (!aud.some((a) => typeof a === 'string' && audience.includes(a))) return 'token audience not accepted';
  }
  return undefined;
}

interface CookieSettings {
  name: string;
  ttlMs: number;
  sameSite: 'Strict' | 'Lax' | 'None';
}

function sessionCookie(options: Options, key: string): CookieSettings {
  const name = options.session?.cookieName ?? '__Host-portier-session';
  if (!/^__Host-[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new ConfigError(
      `"${name}" must start with "__Host-" (a host-only, Secure, Path=/ cookie) and be a valid cookie name`,
      `${key}.session.cookieName`,
    );
  }
  return {
    name,
    ttlMs: millis(options.session?.ttl ?? '1h', `${key}.session.ttl`),
    sameSite: options.session?.sameSite ?? 'Lax',
  };
}

async function sessionFromCookie(
  ctx: RequestContext,
  name: string,
  sessions: SessionStore,
): Promise<Record<string, unknown> | undefined> {
  const id = readCookie(ctx, name);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  return (await sessions.get(id))?.claims;
}

/** A session never outlives the token it came from. */
async function startSession(
  ctx: RequestContext,
  info: TokenInfo,
  cookie: CookieSettings,
  sessions: SessionStore,
): Promise<void> {
  const now = gatewayClock.now();
  const expiresAt = Math.min(now + cookie.ttlMs, typeof info.exp === 'number' ? info.exp * 1000 : Infinity);
  const id = randomBytes(32).toString('base64url');
  const { active: _active, ...claims } = info;
  await sessions.set(id, { claims, expiresAt });
  const maxAge = Math.max(1, Math.floor((expiresAt - now) / 1000));
  addResponseHeader(
    ctx,
    'set-cookie',
    `${cookie.name}=${id}; Path=/; Max-Age=${maxAge}; Secure; HttpOnly; SameSite=${cookie.sameSite}`,
  );
}

interface MintSettings {
  audience?: string[];
  ttlSec: number;
  header: string;
}

function mintSettings(options: Options, key: string): MintSettings {
  const ttlSec = seconds(options.jwt?.ttl ?? '5m', `${key}.jwt.ttl`);
  if (options.mode === 'jwt' && ttlSec * 1000 > gatewaySettings.jwtKeyRotationMs) {
    throw new ConfigError(
      'must be shorter than gateway.jwt.keyRotation, or upstreams lose the key first',
      `${key}.jwt.ttl`,
    );
  }
  return { audience: options.jwt?.audience, ttlSec, header: (options.jwt?.header ?? 'Authorization').toLowerCase() };
}

/** Replaces the client's credentials with a JWT Portier signs; it expires no later than the token. */
async function attachJwt(ctx: RequestContext, claims: Record<string, unknown>, settings: MintSettings): Promise<void> {
  const nowSec = Math.floor(gatewayClock.now() / 1000);
  const left = typeof claims.exp === 'number' ? claims.exp - nowSec : settings.ttlSec;
  const aud = settings.audience?.length ? settings.audience : typeof claims.aud === 'string' ? claims.aud : ctx.host;
  const jwt = await mintJwt(
    {
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
      client_id: typeof claims.client_id === 'string' ? claims.client_id : undefined,
      scope: typeof claims.scope === 'string' ? claims.scope : undefined,
      aud,
    },
    Math.max(1, Math.min(settings.ttlSec, left)),
  );
  delete ctx.req.headers.authorization;
  ctx.req.headers[settings.header] = settings.header === 'authorization' ? `Bearer ${jwt}` : jwt;
}

export const oauth2Introspection = defineMiddleware(schema, create, ['clientSecret']);
