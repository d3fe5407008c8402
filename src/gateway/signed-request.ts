import type { RequestContext } from '../runtime/context.js';

/**
 * The request as the client signed it: the original target and header lines as received, before
 * any middleware rewrote the path or headers.
 */
export interface SignedRequest {
  method: string;
  scheme: 'http' | 'https';
  /** Lower-case host with the scheme's default port dropped (RFC 9421 `@authority`). */
  authority: string;
  /** Path as sent, `/` when empty. */
  path: string;
  /** Query as sent, without `?`. */
  query: string;
  /** `1.1`, for Kong's `request-line`. */
  httpVersion: string;
  /** Every line of a header, in order, values trimmed; undefined when absent. */
  headerLines(name: string): string[] | undefined;
}

export function signedRequestOf(ctx: RequestContext): SignedRequest {
  const { req } = ctx;
  const target = originFormTarget(req.url ?? '/');
  const queryStart = target.indexOf('?');
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  return {
    method: req.method ?? 'GET',
    scheme: ctx.scheme,
    authority: authorityOf(req.headers.host ?? ctx.host, ctx.scheme),
    path: path === '' ? '/' : path,
    query: queryStart < 0 ? '' : target.slice(queryStart + 1),
    httpVersion: req.httpVersion,
    headerLines(name) {
      const wanted = name.toLowerCase();
      const lines: string[] = [];
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.toLowerCase() === wanted) lines.push(raw[i + 1]!.trim());
      }
      return lines.length ? lines : undefined;
    },
  };
}

/** `http://h/p?q` (absolute form) becomes `/p?q`. */
function originFormTarget(url: string): string {
  if (url.startsWith('/')) return url;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*(.*)$/i.exec(url);
  return match ? match[1] || '/' : url;
}

function authorityOf(host: string, scheme: 'http' | 'https'): string {
  const lower = host.trim().toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  return lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
}
