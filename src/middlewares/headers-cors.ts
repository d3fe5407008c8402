import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../runtime/context.js';
import { compileGoRegexp } from './go-regexp.js';
import { requestHeader } from './request-tools.js';

export interface CorsOptions {
  accessControlAllowCredentials: boolean;
  accessControlAllowHeaders: string[];
  accessControlAllowMethods: string[];
  accessControlAllowOriginList: string[];
  accessControlAllowOriginListRegex: string[];
  accessControlExposeHeaders: string[];
  accessControlMaxAge?: number | undefined;
  addVaryHeader: boolean;
}

export function hasCors(options: CorsOptions): boolean {
  return (
    options.accessControlAllowCredentials ||
    options.accessControlAllowHeaders.length > 0 ||
    options.accessControlAllowMethods.length > 0 ||
    options.accessControlAllowOriginList.length > 0 ||
    options.accessControlAllowOriginListRegex.length > 0 ||
    options.accessControlExposeHeaders.length > 0 ||
    options.accessControlMaxAge !== undefined ||
    options.addVaryHeader
  );
}

/** CORS as Traefik's headers middleware does it: preflights answered here, simple requests annotated. */
export class Cors {
  private readonly credentials: boolean;
  private readonly origins: readonly string[];
  private readonly originRegexes: readonly RegExp[];
  /** Allow-Headers / Allow-Methods: `*` with credentials echoes the request instead (`*` is not allowed then). */
  private readonly allowHeaders: string;
  private readonly echoRequestHeaders: boolean;
  private readonly allowMethods: string;
  private readonly echoRequestMethod: boolean;
  /** Expose-Headers, or undefined when `*` with credentials makes the header meaningless. */
  private readonly exposeHeaders: string | undefined;
  private readonly maxAge: string | undefined;
  private readonly addVary: boolean;

  constructor(options: CorsOptions) {
    this.credentials = options.accessControlAllowCredentials;
    this.origins = options.accessControlAllowOriginList;
    this.originRegexes = options.accessControlAllowOriginListRegex.map((source, i) =>
      compileGoRegexp(source, `accessControlAllowOriginListRegex[${i}]`),
    );
    this.allowHeaders = options.accessControlAllowHeaders.join(',');
    this.echoRequestHeaders = this.credentials && options.accessControlAllowHeaders.includes('*');
    this.allowMethods = options.accessControlAllowMethods.join(',');
    this.echoRequestMethod = this.credentials && options.accessControlAllowMethods.includes('*');
    const expose = options.accessControlExposeHeaders;
    this.exposeHeaders =
      expose.length > 0 && !(this.credentials && expose.includes('*')) ? expose.join(',') : undefined;
    this.maxAge = options.accessControlMaxAge === undefined ? undefined : String(options.accessControlMaxAge);
    this.addVary = options.addVaryHeader;
  }

  /** The preflight answer's headers, or undefined when the request is no preflight. */
  preflight(ctx: RequestContext): OutgoingHttpHeaders | undefined {
    const requestMethod = requestHeader(ctx, 'access-control-request-method');
    const origin = requestHeader(ctx, 'origin');
    if (ctx.req.method !== 'OPTIONS' || requestMethod === '' || origin === '') return undefined;
    const headers: OutgoingHttpHeaders = {};
    if (this.credentials) headers['access-control-allow-credentials'] = 'true';
    const requestHeaders = requestHeader(ctx, 'access-control-request-headers');
    if (this.echoRequestHeaders) {
      if (requestHeaders) headers['access-control-allow-headers'] = requestHeaders;
    } else if (this.allowHeaders) {
      headers['access-control-allow-headers'] = this.allowHeaders;
    }
    if (this.echoRequestMethod) headers['access-control-allow-methods'] = requestMethod;
    else if (this.allowMethods) headers['access-control-allow-methods'] = this.allowMethods;
    const allowed = this.matchOrigin(origin);
    if (allowed !== undefined) headers['access-control-allow-origin'] = allowed;
    if (this.maxAge !== undefined) headers['access-control-max-age'] = this.maxAge;
    if (this.exposeHeaders !== undefined) headers['access-control-expose-headers'] = this.exposeHeaders;
    return headers;
  }

  /** Headers for an ordinary response to `origin` (set over the upstream's). */
  responseHeaders(origin: string, headers: OutgoingHttpHeaders): void {
    const allowed = this.matchOrigin(origin);
    if (allowed) headers['access-control-allow-origin'] = allowed;
    if (this.credentials) headers['access-control-allow-credentials'] = 'true';
    if (this.exposeHeaders !== undefined) headers['access-control-expose-headers'] = this.exposeHeaders;
  }

  /** Appends `Origin` to the upstream's Vary header when asked to (caches must key on it). */
  addVaryHeader(headers: OutgoingHttpHeaders): void {
    if (!this.addVary) return;
    const vary = headers['vary'];
    const current = Array.isArray(vary) ? vary.join(',') : vary === undefined ? '' : String(vary);
    if (current === 'Origin') return;
    headers['vary'] = current ? `${current},Origin` : 'Origin';
  }

  private matchOrigin(origin: string): string | undefined {
    for (const item of this.origins) {
      if (item === origin) return item;
      // A wildcard cannot be combined with credentials, so the origin is echoed instead.
      if (item === '*') return this.credentials ? origin : item;
    }
    return this.originRegexes.some((regex) => regex.test(origin)) ? origin : undefined;
  }
}
