import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from './define.js';
import { duration, flag, integer, stringList } from './options.js';
import { bufferRequestBody } from '../runtime/request-body.js';
import { StatusCatcher } from './status-catcher.js';
import { StatusRanges } from './status-ranges.js';

const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const schema = z.strictObject({
  attempts: integer.default(0),
  initialInterval: duration.default(0),
  maxRequestBodyBytes: integer.default(DEFAULT_MAX_BODY_BYTES),
  /** Traefik v3.7: also retry answers with these statuses (idempotent methods unless told otherwise). */
  status: stringList.default([]),
  timeout: duration.default(0),
  disableRetryOnNetworkError: flag.default(false),
  retryNonIdempotentMethod: flag.default(false),
});

const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK']);

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
 * `retry`: sends the request again, up to `attempts` tries in all with exponential backoff, when
 * nothing reached the backend (connection refused, dial failure) and, with `status`, when the
 * answer has one of those statuses (that answer is then dropped unseen). Any other answer is final.
 */
export const retry = defineMiddleware(schema, (options) => {
  if (options.attempts <= 0) throw new ConfigError(`must be at least 1, got ${options.attempts}`, 'attempts');
  if (options.disableRetryOnNetworkError && options.status.length === 0) {
    throw new ConfigError('leaves nothing to retry; also list statuses in status', 'disableRetryOnNetworkError');
  }
  const { attempts, maxRequestBodyBytes, disableRetryOnNetworkError, retryNonIdempotentMethod } = options;
  const initialMs = parseDuration(options.initialInterval, 'initialInterval');
  const timeoutMs = parseDuration(options.timeout, 'timeout');
  const statuses = options.status.length > 0 ? new StatusRanges(options.status, 'status') : undefined;
  const limit = maxRequestBodyBytes < 0 ? Infinity : maxRequestBodyBytes;

  return (next) => async (ctx) => {
    if (attempts === 1 || ctx.upgrade) return next(ctx);
    const retryStatuses = retryNonIdempotentMethod || !NON_IDEMPOTENT.has(ctx.req.method ?? '') ? statuses : undefined;
    if (disableRetryOnNetworkError && !retryStatuses) return next(ctx);
    try {
      // A body must be in hand to be sent twice; a bigger one is streamed once, without retries.
      if ((await bufferRequestBody(ctx, limit)) === 'too-large') return next(ctx);
    } catch {
      ctx.res.destroy();
      return;
    }
    const delays = backoffDelays(attempts, initialMs);
    const started = performance.now();
    const outer = ctx.upstreamUnreachable;
    try {
      for (let attempt = 1; ; attempt++) {
        const isLast = attempt === attempts || (timeoutMs > 0 && performance.now() - started >= timeoutMs);
        const hooksBefore = ctx.onResponseHeaders?.length ?? 0;
        let unreachable = false;
        let settled = false;
        ctx.upstreamUnreachable = (error) => {
          // A failure reported after the attempt finished cannot be retried any more.
          if (isLast || settled || disableRetryOnNetworkError) return outer?.(error) ?? false;
          unreachable = true;
          return true;
        };
        const catcher = !isLast && retryStatuses ? new StatusCatcher(ctx.res, retryStatuses) : undefined;
        await next(ctx);
        await catcher?.finished();
        catcher?.restore();
        settled = true;
        if ((!unreachable && catcher?.caught === undefined) || ctx.res.destroyed) return;
        // The dropped answer's response hooks must not apply twice.
        ctx.onResponseHeaders?.splice(hooksBefore);
        ctx.retryAttempts = attempt;
        await sleep(delays[attempt - 1] ?? 0);
      }
    } finally {
      ctx.upstreamUnreachable = outer;
    }
  };
});
