import type { OutgoingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { onResponseHeaders, type RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import { defineMiddleware } from './define.js';
import { Cors, hasCors } from './headers-cors.js';
import { hasSecure, SecureHeaders } from './headers-secure.js';
import { flag, headerMap, integer, stringList } from './options.js';
import { requestHeader } from './request-tools.js';

const schema = z.strictObject({
  customRequestHeaders: headerMap.default({}),
  customResponseHeaders: headerMap.default({}),
  accessControlAllowCredentials: flag.default(false),
  accessControlAllowHeaders: stringList.default([]),
  accessControlAllowMethods: stringList.default([]),
  accessControlAllowOriginList: stringList.default([]),
  accessControlAllowOriginListRegex: stringList.default([]),
  accessControlExposeHeaders: stringList.default([]),
  accessControlMaxAge: integer.optional(),
  addVaryHeader: flag.default(false),
  allowedHosts: stringList.default([]),
  hostsProxyHeaders: stringList.default([]),
  sslProxyHeaders: headerMap.default({}),
  stsSeconds: integer.optional(),
  stsIncludeSubdomains: flag.default(false),
  stsPreload: flag.default(false),
  forceSTSHeader: flag.default(false),
  frameDeny: flag.default(false),
  customFrameOptionsValue: z.string().default(''),
  contentTypeNosniff: flag.default(false),
  browserXssFilter: flag.default(false),
  customBrowserXSSValue: z.string().default(''),
  contentSecurityPolicy: z.string().default(''),
  contentSecurityPolicyReportOnly: z.string().default(''),
  publicKey: z.string().default(''),
  referrerPolicy: z.string().default(''),
  permissionsPolicy: z.string().default(''),
  isDevelopment: flag.default(false),
  // Accepted so that v2 configurations load, but without effect in Traefik v3 either.
  featurePolicy: z.string().optional(),
  sslRedirect: flag.optional(),
  sslTemporaryRedirect: flag.optional(),
  sslHost: z.string().optional(),
  sslForceHost: flag.optional(),
});

const IGNORED_V2_OPTIONS = ['featurePolicy', 'sslRedirect', 'sslTemporaryRedirect', 'sslHost', 'sslForceHost'] as const;

/**
 * `headers`: custom request/response headers (an empty value removes the header), CORS with
 * preflights answered by the proxy, and security headers (STS, frame options, CSP…).
 */
export const headers = defineMiddleware(schema, (options, deps) => {
  const ignored = IGNORED_V2_OPTIONS.filter((key) => options[key] !== undefined);
  if (ignored.length > 0) {
    deps.log.warn(
      { middleware: deps.name, options: ignored },
      'headers options removed in Traefik v3 are ignored; use a redirectScheme middleware for HTTPS redirects',
    );
  }
  const requestHeaders = Object.entries(options.customRequestHeaders).map(([n, v]) => [n.toLowerCase(), v] as const);
  const responseEntries = Object.entries(options.customResponseHeaders).map(([n, v]) => [n.toLowerCase(), v] as const);
  const responseSets = responseEntries.filter(([, value]) => value !== '');
  const responseRemovals = responseEntries.filter(([, value]) => value === '').map(([name]) => name);
  const cors = hasCors(options) ? new Cors(options) : undefined;
  const secure = hasSecure(options) ? new SecureHeaders(options) : undefined;
  if (!cors && !secure && requestHeaders.length === 0 && responseEntries.length === 0) {
    throw new ConfigError(
      'sets no header; add customRequestHeaders, customResponseHeaders, accessControl* or security options',
      'headers',
    );
  }
  const needsHook = responseRemovals.length > 0 || options.addVaryHeader;
  const editUpstreamHeaders = (_status: number, upstream: OutgoingHttpHeaders): void => {
    for (const name of responseRemovals) delete upstream[name];
    cors?.addVaryHeader(upstream);
  };

  return (next) => (ctx) => {
    if (secure && !secure.hostAllowed(ctx)) {
      respond(ctx, 500, 'Bad Host');
      return;
    }
    // Proxy-made answers (401, 502…) carry these too, as with Traefik's wrapped response writer.
    const own = (ctx.responseHeaders ??= {});
    const preflight = cors?.preflight(ctx);
    if (preflight) {
      secure?.apply(ctx, own);
      answerPreflight(ctx, { ...own, ...preflight });
      return;
    }
    for (const [name, value] of requestHeaders) {
      if (value !== '') ctx.req.headers[name] = value;
      else delete ctx.req.headers[name];
    }
    for (const [name, value] of responseSets) own[name] = value;
    cors?.responseHeaders(requestHeader(ctx, 'origin'), own);
    secure?.apply(ctx, own);
    if (needsHook) onResponseHeaders(ctx, editUpstreamHeaders);
    return next(ctx);
  };
});

function answerPreflight(ctx: RequestContext, headers: OutgoingHttpHeaders): void {
  if (ctx.res.headersSent) return;
  ctx.res.writeHead(200, { ...headers, 'content-length': 0 });
  ctx.res.end();
}
