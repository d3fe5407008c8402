import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../context.js';
import { endToEndResponseHeaders } from './hop-by-hop.js';

/**
 * Turns an upstream response head into the one sent to the client: hop-by-hop headers removed,
 * the proxy's own headers applied (Set-Cookie is added to the upstream's, the others replace
 * them), then the middlewares' hooks run last so they see the final headers.
 */
export function clientResponseHeaders(
  ctx: RequestContext,
  status: number,
  upstreamHeaders: OutgoingHttpHeaders,
  keepHopByHop = false,
): OutgoingHttpHeaders {
  const headers = keepHopByHop ? upstreamHeaders : endToEndResponseHeaders(upstreamHeaders);
  const own = ctx.responseHeaders;
  if (own) {
    for (const name in own) {
      const value = own[name];
      if (value === undefined) continue;
      const existing = headers[name];
      if (name === 'set-cookie' && existing !== undefined) {
        headers[name] = [existing, value].flat().map(String);
      } else {
        headers[name] = value;
      }
    }
  }
  const hooks = ctx.onResponseHeaders;
  if (hooks) for (const hook of hooks) hook(status, headers);
  return headers;
}
