import type { RequestContext } from '../runtime/context.js';
import { endToEndRequestHeaders } from '../runtime/transport/hop-by-hop.js';
import { requestHeader, requestUri } from './request-tools.js';

/** The X-Forwarded family, dropped from the auth request unless trusted. */
const FORWARDED_HEADERS = [
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-real-ip',
];

const DEFAULT_PORTS = { http: '80', https: '443' } as const;

export interface AuthRequestHeaderOptions {
  /** Traefik distinguishes unset (legacy: always overwrite X-Forwarded-*) from false (strip them). */
  trustForwardHeader?: boolean | undefined;
  /** Only these request headers are sent, when non-empty. */
  authRequestHeaders: string[];
}

/**
 * Builds the headers of the request to the authentication server: the client's end-to-end
 * headers (optionally filtered), plus X-Forwarded-Method/Proto/Host/Uri/For describing the
 * original request, as Traefik's forwardAuth sends them.
 */
export function compileAuthRequestHeaders(
  options: AuthRequestHeaderOptions,
): (ctx: RequestContext) => Record<string, string | string[]> {
  const { trustForwardHeader } = options;
  let allowed = options.authRequestHeaders.map((name) => name.toLowerCase());
  if (trustForwardHeader === true && allowed.length > 0) allowed = [...allowed, ...FORWARDED_HEADERS];
  const allowedSet = allowed.length > 0 ? new Set(allowed) : undefined;

  return (ctx) => {
    const headers = endToEndRequestHeaders(ctx.req.headers);
    delete headers.host;
    delete headers['content-length'];
    if (trustForwardHeader === false) for (const name of FORWARDED_HEADERS) delete headers[name];
    if (allowedSet) for (const name in headers) if (!allowedSet.has(name)) delete headers[name];

    const hostHeader = requestHeader(ctx, 'host');
    if (trustForwardHeader === undefined) {
      headers['x-forwarded-for'] = ctx.clientIp;
      headers['x-forwarded-proto'] = ctx.scheme;
      headers['x-forwarded-method'] = ctx.req.method ?? 'GET';
      headers['x-forwarded-host'] = hostHeader;
      headers['x-forwarded-uri'] = requestUri(ctx);
      return headers;
    }
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${[prior].flat().join(', ')}, ${ctx.clientIp}` : ctx.clientIp;
    headers['x-forwarded-method'] ??= ctx.req.method ?? 'GET';
    headers['x-forwarded-proto'] ??= ctx.scheme;
    headers['x-forwarded-port'] ??= /:(\d+)$/.exec(hostHeader)?.[1] ?? DEFAULT_PORTS[ctx.scheme];
    headers['x-forwarded-host'] ??= hostHeader;
    headers['x-forwarded-uri'] ??= requestUri(ctx);
    return headers;
  };
}
