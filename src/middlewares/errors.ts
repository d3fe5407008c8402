import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import type { RequestContext } from '../runtime/context.js';
import { defineMiddleware } from './define.js';
import { integer, stringList } from './options.js';
import { requestHeader, requestUri } from './request-tools.js';
import { patchResponse } from './response-patch.js';
import { StatusCatcher } from './status-catcher.js';
import { StatusRanges } from './status-ranges.js';

const schema = z.strictObject({
  status: stringList.default([]),
  statusRewrites: z.record(z.string(), integer).default({}),
  service: z.string().default(''),
  query: z.string().default(''),
  errorRequestHeaders: stringList.optional(),
});

/**
 * `errors`: when the response status is in `status`, answers with a page fetched (GET) from
 * `service` at `query` (`{status}`, `{originalStatus}`, `{url}` filled in), sent with the
 * original status or its `statusRewrites` replacement.
 */
export const errors = defineMiddleware(schema, (options, deps) => {
  if (options.status.length === 0) {
    throw new ConfigError('is empty; list the statuses to catch, e.g. ["500-599"]', 'status');
  }
  const ranges = new StatusRanges(options.status, 'status');
  const rewrites = Object.entries(options.statusRewrites).map(([from, to]) => ({
    from: new StatusRanges([from], `statusRewrites.${from}`),
    to,
  }));
  if (options.service === '') throw new ConfigError('is required; name the service serving the error pages', 'service');
  if (!deps.resolveService) {
    throw new ConfigError('cannot be used here: this runtime does not let middlewares call services', 'service');
  }
  const service = deps.resolveService(options.service);
  const template = options.query === '' ? '/' : `/${options.query.replace(/^\//, '')}`;
  const forwarded = options.errorRequestHeaders?.map((name) => name.toLowerCase());

  const pageContext = (ctx: RequestContext, status: number, original: number, entry: EntryState): RequestContext => {
    const originalUrl = `${ctx.scheme}://${requestHeader(ctx, 'host')}${requestUri(ctx)}`;
    const target = template
      .replaceAll('{status}', String(status))
      .replaceAll('{originalStatus}', String(original))
      .replaceAll('{url}', encodeURIComponent(originalUrl));
    const queryAt = target.indexOf('?');
    // The original request is over: its message is reused as the GET for the error page.
    const { req } = ctx;
    req.method = 'GET';
    const headers = { ...req.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    req.headers = forwarded
      ? Object.fromEntries(Object.entries(headers).filter(([name]) => name === 'host' || forwarded.includes(name)))
      : headers;
    return {
      ...ctx,
      path: queryAt < 0 ? target : target.slice(0, queryAt),
      query: queryAt < 0 ? '' : target.slice(queryAt + 1),
      body: Buffer.alloc(0),
      // Outer middlewares' response headers apply to the page; inner ones' belonged to the caught answer.
      responseHeaders: entry.responseHeaders,
      onResponseHeaders: entry.hooks,
      upstreamUnreachable: undefined,
    };
  };

  return (next) => async (ctx) => {
    if (ctx.upgrade) return next(ctx);
    const entry: EntryState = {
      responseHeaders: ctx.responseHeaders && { ...ctx.responseHeaders },
      hooks: ctx.onResponseHeaders?.slice(),
    };
    const catcher = new StatusCatcher(ctx.res, ranges);
    await next(ctx);
    await catcher.finished();
    const original = catcher.caught;
    if (original === undefined || ctx.res.destroyed) return;
    const status = rewrites.find((rewrite) => rewrite.from.has(original))?.to ?? original;
    catcher.restore();
    // The page is sent with the caught status, whatever the error service answers.
    const unpatch = patchResponse(ctx.res, (previous) => ({
      writeHead: (_status, ...rest) => {
        unpatch();
        return previous.writeHead(status, ...rest);
      },
    }));
    await service(pageContext(ctx, status, original, entry));
  };
});

interface EntryState {
  responseHeaders: RequestContext['responseHeaders'];
  hooks: RequestContext['onResponseHeaders'];
}
