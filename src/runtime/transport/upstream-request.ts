import type { RequestContext } from '../context.js';
import { addForwardedHeaders } from './forwarded-headers.js';
import { endToEndRequestHeaders } from './hop-by-hop.js';
import type { UpstreamServer } from './upstreams.js';

/** The path and query sent upstream: the server URL's own path, then the (rewritten) request path. */
export function upstreamPath(ctx: RequestContext, server: UpstreamServer): string {
  const path = server.basePath + ctx.path;
  return ctx.query ? `${path}?${ctx.query}` : path;
}

/** The request headers sent upstream, with the Host header chosen by `passHostHeader`. */
export function upstreamHeaders(
  ctx: RequestContext,
  server: UpstreamServer,
  passHostHeader: boolean,
  websocket: boolean,
): Record<string, string | string[]> {
  const headers = endToEndRequestHeaders(ctx.req.headers);
  if (!passHostHeader || headers.host === undefined) headers.host = server.host;
  addForwardedHeaders(ctx, headers, websocket);
  return headers;
}

/** Whether the client sends a body: a GET without one must not become a chunked upload. */
export function hasStreamedBody(ctx: RequestContext): boolean {
  const { headers } = ctx.req;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** A request that may be sent twice: idempotent, and its body (if any) still in hand. */
export function canResend(ctx: RequestContext): boolean {
  return IDEMPOTENT_METHODS.has(ctx.req.method ?? '') && (ctx.body !== undefined || !hasStreamedBody(ctx));
}
