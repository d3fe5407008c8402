import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import type { RequestContext } from '../runtime/context.js';
import { defineMiddleware } from './define.js';
import { flag, text } from './options.js';
import { redirect } from './redirect.js';
import { requestHeader, requestUri } from './request-tools.js';

const schema = z.strictObject({
  scheme: z.string().default(''),
  port: text.default(''),
  permanent: flag.default(false),
});

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** Splits a Host header into host and `:port` ('' when absent), keeping IPv6 brackets. */
function splitHostHeader(value: string): { host: string; port: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(value);
  if (!match) return { host: value, port: '' };
  return { host: match[1]!, port: match[2] ? `:${match[2]}` : '' };
}

/** The scheme the client used, honouring X-Forwarded-Proto from a proxy in front. */
function clientScheme(ctx: RequestContext): string {
  const forwarded = requestHeader(ctx, 'x-forwarded-proto').toLowerCase();
  if (forwarded === 'http' || forwarded === 'ws') return 'http';
  if (forwarded === 'https' || forwarded === 'wss') return 'https';
  return ctx.scheme;
}

/**
 * `redirectScheme`: sends clients to the same URL with another scheme (and port). A request
 * already on the target scheme and port passes through.
 */
export const redirectScheme = defineMiddleware(schema, (options) => {
  const targetScheme = options.scheme.toLowerCase();
  if (targetScheme === '') throw new ConfigError('is required; set it to "https" or "http"', 'scheme');
  const targetPort = options.port === '' || DEFAULT_PORTS[targetScheme] === options.port ? '' : `:${options.port}`;
  const { permanent } = options;
  return (next) => (ctx) => {
    const { host, port } = splitHostHeader(requestHeader(ctx, 'host') || ctx.host);
    const scheme = clientScheme(ctx);
    const currentPort = port === `:${DEFAULT_PORTS[scheme] ?? ''}` ? '' : port;
    const uri = requestUri(ctx);
    if (scheme === targetScheme && currentPort === targetPort) return next(ctx);
    redirect(ctx, `${targetScheme}://${host}${targetPort}${uri}`, permanent);
  };
});
