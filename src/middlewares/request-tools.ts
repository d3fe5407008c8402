import type { RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';

/** Adds a request header for the upstream, after any value already there (Go's `Header.Add`). */
export function appendRequestHeader(ctx: RequestContext, name: string, value: string): void {
  const headers = ctx.req.headers;
  const key = name.toLowerCase();
  const existing = headers[key];
  headers[key] =
    existing === undefined ? value : `${Array.isArray(existing) ? existing.join(', ') : existing}, ${value}`;
}

/** The first value of a request header, '' when absent. */
export function requestHeader(ctx: RequestContext, name: string): string {
  const value = ctx.req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function ensureLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

/** The path with its query, as it would appear in a request line. */
export function requestUri(ctx: RequestContext): string {
  return ctx.query ? `${ctx.path}?${ctx.query}` : ctx.path;
}

const UNCLEAN_SEGMENT = /\/\/|(^|\/)\.\.?(\/|$)/;

/**
 * Path rewrites must not smuggle in dot-segments or empty segments the entry point already
 * removed (`/api/..%2F` style tricks): Traefik answers 400 when the rewritten path is not clean.
 * Returns false after answering.
 */
export function acceptRewrittenPath(ctx: RequestContext, path: string): boolean {
  if (!UNCLEAN_SEGMENT.test(path)) return true;
  respond(ctx, 400, 'Bad Request');
  return false;
}
