import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { defineMiddleware } from '../middlewares/define.js';
import { flag } from '../middlewares/options.js';
import type { Middleware, MiddlewareDeps } from '../middlewares/types.js';
import type { RequestContext } from '../runtime/context.js';
import { consumerIndex, setConsumer, stripClientConsumerHeader } from './consumers.js';
import { optionsKey } from './options.js';
import { reject } from './reject.js';

const schema = z.strictObject({
  /** Header carrying the key (default `X-API-Key`). */
  header: z.string().min(1).optional(),
  /** Query parameter carrying the key; off unless set (keys in URLs end up in logs). */
  query: z.string().min(1).optional(),
  /** Remove the key before forwarding (default true), so upstreams never see it. */
  hideCredentials: flag.optional(),
});

function create(options: z.output<typeof schema>, deps: MiddlewareDeps): Middleware {
  const header = (options.header ?? 'X-API-Key').toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(header)) {
    throw new ConfigError(`"${options.header}" is not a valid header name`, `${optionsKey(deps, 'apiKey')}.header`);
  }
  const hide = options.hideCredentials ?? true;
  const consumers = consumerIndex(deps.consumers);

  return (next) => async (ctx) => {
    stripClientConsumerHeader(ctx);
    const presented = fromHeader(ctx, header) ?? (options.query ? fromQuery(ctx, options.query) : undefined);
    if (presented === undefined) {
      reject(ctx, deps, { status: 401, reason: 'no API key presented' });
      return;
    }
    const consumer = consumers.apiKeyOwner(presented);
    if (!consumer) {
      reject(ctx, deps, { status: 401, reason: 'unknown API key' });
      return;
    }
    if (hide) {
      delete ctx.req.headers[header];
      if (options.query) ctx.query = withoutParam(ctx.query, options.query);
    }
    setConsumer(ctx, consumer);
    await next(ctx);
  };
}

function fromHeader(ctx: RequestContext, header: string): string | undefined {
  const value = ctx.req.headers[header];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.trim() : undefined;
}

function fromQuery(ctx: RequestContext, name: string): string | undefined {
  return new URLSearchParams(ctx.query).get(name) ?? undefined;
}

/** Drops one parameter while keeping the others byte for byte as the client sent them. */
function withoutParam(query: string, name: string): string {
  return query
    .split('&')
    .filter((pair) => decodeURIComponent(pair.split('=')[0]!.replace(/\+/g, ' ')) !== name)
    .join('&');
}

export const apiKey = defineMiddleware(schema, create);
