import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from './define.js';
import { duration, integer } from './options.js';
import { bufferRequestBody } from './request-body.js';

const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const schema = z.strictObject({
  attempts: integer.default(0),
  initialInterval: duration.default(0),
  maxRequestBodyBytes: integer.default(DEFAULT_MAX_BODY_BYTES),
});

/**
 * The waits between attempts: exponential backoff whose multiplier 2^(1/(attempts-1)) makes the
 * last wait about twice the first, each randomised by ±50% (Traefik's cenkalti/backoff settings).
 */
export function backoffDelays(attempts: number, initialMs: number, random: () => number = Math.random): number[] {
  if (attempts < 2 || initialMs <= 0) return Array<number>(Math.max(0, attempts - 1)).fill(0);
  const multiplier = 2 ** (1 / (attempts - 1));
  return Array.from({ length: attempts - 1 }, (_, i) => {
    const interval = initialMs * multiplier ** i;
    return interval * (0.5 + random());
  });
}

/**
 * `retry`: when nothing reached the backend (connection refused, dial failure), sends the request
 * again, up to `attempts` tries in all, with exponential backoff. Any response, even a 5xx, is final.
 */
export const retry = defineMiddleware(schema, (options) => {
  if (options.attempts <= 0) throw new ConfigError(`must be at least 1, got ${options.attempts}`, 'attempts');
  const { attempts, maxRequestBodyBytes } = options;
  const initialMs = parseDuration(options.initialInterval, 'initialInterval');
  return (next) => async (ctx) => {
    if (attempts === 1 || ctx.upgrade) return next(ctx);
    const limit = maxRequestBodyBytes < 0 ? Infinity : maxRequestBodyBytes;
    try {
      // A body must be in hand to be sent twice; a bigger one is streamed once, without retries.
      if ((await bufferRequestBody(ctx, limit)) === 'too-large') return next(ctx);
    } catch {
      ctx.res.destroy();
      return;
    }
    const delays = backoffDelays(attempts, initialMs);
    const outer = ctx.upstreamUnreachable;
    try {
      for (let attempt = 1; ; attempt++) {
        const isLast = attempt === attempts;
        let unreachable = false;
        let settled = false;
        ctx.upstreamUnreachable = (error) => {
          // A failure reported after the attempt finished cannot be retried any more.
          if (isLast || settled) return outer?.(error) ?? false;
          unreachable = true;
          return true;
        };
        await next(ctx);
        settled = true;
        if (!unreachable || ctx.res.destroyed) return;
        await sleep(delays[attempt - 1] ?? 0);
      }
    } finally {
      ctx.upstreamUnreachable = outer;
    }
  };
});
