import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { compileSourceCriterion, sourceCriterionSchema } from '../middlewares/client-ip.js';
import { defineMiddleware } from '../middlewares/define.js';
import { duration, flag, integer, stringList } from '../middlewares/options.js';
import type { Middleware, MiddlewareDeps } from '../middlewares/types.js';
import { addResponseHeader, type RequestContext } from '../runtime/context.js';
import { stripClientConsumerHeader } from './consumers.js';
import type { GcraDecision } from './gcra.js';
import { millis, optionsKey } from './options.js';
import { rateLimitStore } from './rate-limit-stores.js';
import { dedicatedRedis, type RedisConnection } from './redis.js';
import { reject } from './reject.js';

const schema = z.strictObject({
  /** Requests per period; 0 disables the limit (as in Traefik). */
  average: integer.pipe(z.number().nonnegative()).optional(),
  period: duration.optional(),
  /** Requests that may pass at once before the sustained rate applies. */
  burst: integer.pipe(z.number().positive()).optional(),
  /** Traefik's sourceCriterion, plus `consumer`: count per authenticated gateway consumer. */
  sourceCriterion: sourceCriterionSchema.extend({ consumer: flag.default(false) }).optional(),
  /** Let requests through when the shared store (Redis) is down; default false (fail closed). */
  failOpen: flag.optional(),
  /** Traefik v3.4's own Redis for this limit; without it the static `cluster.redis` is used. */
  redis: z
    .strictObject({
      endpoints: stringList,
      username: z.string().optional(),
      password: z.string().optional(),
      db: integer.optional(),
      tls: z.unknown().optional(),
      // Traefik's connection-pool tuning; Portier keeps one multiplexed connection, so unused.
      poolSize: integer.optional(),
      minIdleConns: integer.optional(),
      maxActiveConns: integer.optional(),
      readTimeout: duration.optional(),
      writeTimeout: duration.optional(),
      dialTimeout: duration.optional(),
    })
    .optional(),
});

function create(options: z.output<typeof schema>, deps: MiddlewareDeps): Middleware {
  const key = optionsKey(deps, 'rateLimit');
  const average = options.average ?? 0;
  const periodMs = millis(options.period ?? 1, `${key}.period`);
  if (periodMs <= 0) throw new ConfigError('must be longer than 0', `${key}.period`);
  const burst = options.burst ?? 1;
  const limit = { intervalMs: periodMs / Math.max(average, 1), burst };
  const failOpen = options.failOpen ?? false;
  const connection = options.redis && redisOption(options.redis, `${key}.redis`, deps);
  const source = compileSourceCriterion(options.sourceCriterion, `${key}.sourceCriterion`, 'ip');
  const byConsumer = options.sourceCriterion?.consumer ?? false;
  // Without a usable consumer or header value a request counts for its client IP, so an
  // unauthenticated flood still meets a limit.
  const identity = (ctx: RequestContext): string =>
    byConsumer && ctx.consumer ? `consumer:${ctx.consumer}` : `source:${source(ctx) || ctx.clientIp}`;

  return (next) => async (ctx) => {
    stripClientConsumerHeader(ctx);
    if (average === 0) return next(ctx);
    let decision: GcraDecision;
    try {
      decision = await rateLimitStore(connection).take(`${deps.name}:${identity(ctx)}`, limit);
    } catch (error) {
      const reason = `rate-limit store unavailable: ${(error as Error).message}`;
      if (failOpen) {
        deps.log.warn({ middleware: deps.name, reason }, 'rate limit skipped (failOpen)');
        return next(ctx);
      }
      reject(ctx, deps, { status: 503, reason, headers: { 'retry-after': '1' } });
      return;
    }
    const headers = rateLimitHeaders(burst, decision);
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      reject(ctx, deps, {
        status: 429,
        reason: 'rate limit exceeded',
        detail: detailOf(ctx),
        headers: { ...headers, 'retry-after': retryAfter },
      });
      return;
    }
    for (const [name, value] of Object.entries(headers)) addResponseHeader(ctx, name, value);
    return next(ctx);
  };
}

function redisOption(
  redis: NonNullable<z.output<typeof schema>['redis']>,
  key: string,
  deps: MiddlewareDeps,
): RedisConnection {
  const [endpoint, ...others] = redis.endpoints;
  if (!endpoint) throw new ConfigError('lists no Redis endpoint; write endpoints: ["host:6379"]', `${key}.endpoints`);
  if (redis.tls !== undefined) {
    throw new ConfigError('is not supported; write the endpoint as "rediss://host:6379" for TLS', `${key}.tls`);
  }
  if (others.length) {
    deps.log.warn({ middleware: deps.name, key }, 'only the first Redis endpoint is used; Sentinel/Cluster are not');
  }
  return dedicatedRedis({ endpoint, username: redis.username, password: redis.password, database: redis.db });
}

function rateLimitHeaders(burst: number, decision: GcraDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(burst),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
  };
}

function detailOf(ctx: RequestContext): Record<string, unknown> {
  return ctx.consumer ? { consumer: ctx.consumer } : {};
}

export const rateLimit = defineMiddleware(schema, create, ['redis']);
