import { z } from 'zod';
import type { RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { integer } from './options.js';
import { compilePredicate, type PredicateFunction } from './predicate.js';
import { bufferRequestBody } from '../runtime/request-body.js';
import { ResponseCapture } from './response-capture.js';

/** retryExpression could loop forever (`IsNetworkError()` alone); this caps the attempts. */
const MAX_ATTEMPTS = 10;

const schema = z.strictObject({
  maxRequestBodyBytes: integer.default(0),
  /** Traefik spills bigger bodies to disk; Portier keeps them in memory, within the max. */
  memRequestBodyBytes: integer.default(1024 * 1024),
  maxResponseBodyBytes: integer.default(0),
  memResponseBodyBytes: integer.default(1024 * 1024),
  retryExpression: z.string().default(''),
});

interface AttemptState {
  attempts: number;
  status: number;
}

const RETRY_FUNCTIONS: Record<string, PredicateFunction<AttemptState>> = {
  Attempts: { arity: 0, build: () => (s) => s.attempts },
  ResponseCode: { arity: 0, build: () => (s) => s.status },
  IsNetworkError: { arity: 0, boolean: true, build: () => (s) => s.status === 502 || s.status === 504 },
};

const limitOf = (max: number): number => (max > 0 ? max : Infinity);

/**
 * `buffering`: reads the whole request before it goes upstream (413 beyond maxRequestBodyBytes)
 * and the whole response before it goes to the client (500 beyond maxResponseBodyBytes), which
 * also lets `retryExpression` replay a request whose answer was bad.
 */
export const buffering = defineMiddleware(schema, (options) => {
  const requestLimit = limitOf(options.maxRequestBodyBytes);
  const responseLimit = limitOf(options.maxResponseBodyBytes);
  const shouldRetry = options.retryExpression
    ? compilePredicate(
        options.retryExpression,
        RETRY_FUNCTIONS,
        'retryExpression',
        'write it like "IsNetworkError() && Attempts() < 2"',
      )
    : undefined;

  return (next) => async (ctx: RequestContext) => {
    if (ctx.upgrade) return next(ctx);
    try {
      if ((await bufferRequestBody(ctx, requestLimit)) === 'too-large') {
        respond(ctx, 413, 'Request Entity Too Large');
        return;
      }
    } catch {
      ctx.res.destroy();
      return;
    }
    const capture = new ResponseCapture(ctx.res, responseLimit);
    for (let attempt = 1; ; attempt++) {
      const hooksBefore = ctx.onResponseHeaders?.length ?? 0;
      await next(ctx);
      await capture.finished();
      if (ctx.res.destroyed) return;
      const again =
        !capture.overflowed && attempt < MAX_ATTEMPTS && shouldRetry?.({ attempts: attempt, status: capture.status });
      if (!again) break;
      // The discarded attempt's response hooks must not apply twice.
      ctx.onResponseHeaders?.splice(hooksBefore);
      capture.reset();
    }
    if (capture.overflowed) {
      capture.restore();
      respond(ctx, 500, 'Internal Server Error');
      return;
    }
    capture.send(ctx.req.method);
  };
});
