import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * What the router, the middlewares and the services see of one request.
 * Created once per request by the entry point. Middlewares rewrite `path`, `query` and
 * `req.headers` in place; the upstream transport sends exactly those.
 */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly entryPoint: string;
  /** `http` or `https`, as the client reached the entry point. */
  readonly scheme: 'http' | 'https';
  /** Canonical host: lower case, no port, no trailing dot, IPv6 without brackets. '' if absent. */
  host: string;
  /** Normalised path (dot-segments and duplicate slashes removed, unreserved escapes decoded). */
  path: string;
  /** Raw query string without the leading `?`; '' when there is none. */
  query: string;
  /** TCP peer address. */
  readonly clientIp: string;
  /** TCP peer port, read as the request begins: an HTTP/2 stream forgets its connection when it ends. */
  readonly clientPort?: number;
  /** The connection the request came on: its socket, or for HTTP/2 its session. */
  readonly connection?: object;
  /** Local port of the entry point the request came in on (for X-Forwarded-Port). */
  readonly localPort: number;
  /** Monotonic start time, from `process.hrtime.bigint()`. */
  readonly startTime: bigint;
  /** Set when a router matched: qualified names. */
  routerName?: string;
  serviceName?: string;
  /** The upstream server URL chosen by the load balancer, for the access log. */
  upstreamUrl?: string;
  /** Set by gateway auth middlewares: the authenticated consumer's name. */
  consumer?: string;
  /** The user a basicAuth or digestAuth middleware let in (Traefik's access-log `ClientUsername`). */
  clientUsername?: string;
  /** Headers that the proxy adds to the response it sends back (headers middleware, sticky cookie…). */
  responseHeaders?: OutgoingHttpHeaders;
  /**
   * Hooks called with the upstream response's status and headers just before they are written
   * to the client; they may edit the headers (headers middleware, redirects' Location rewriting…).
   */
  onResponseHeaders?: ((status: number, headers: OutgoingHttpHeaders) => void)[];
  /**
   * Set for an HTTP Upgrade (WebSocket) request. `res` is then a response bound to the same
   * socket, so middlewares can still answer 401 or redirect; the transport pipes the sockets.
   */
  upgrade?: { socket: Duplex; head: Buffer };
  /**
   * The whole request body, when a middleware had to read it (retry, mirroring, content-digest
   * checks). The transport then sends this instead of streaming `req`.
   */
  body?: Buffer;
  /**
   * Called by the transport when nothing reached the upstream (connection refused, dial timeout).
   * Returning true means the caller (the retry middleware) takes over the response; otherwise the
   * transport answers 502 itself.
   */
  upstreamUnreachable?: (error: Error) => boolean;
  /** How many times the retry middleware sent the request again (Traefik's `RetryAttempts`). */
  retryAttempts?: number;
  /** Set by the function runtime when a function answered this request, for the access log. */
  invocation?: FunctionInvocationSummary;
}

/** What the access log records of a function call (the function runtime's record has more). */
export interface FunctionInvocationSummary {
  readonly requestId: string;
  readonly function: string;
  readonly version: string;
  readonly cold: boolean;
  readonly initMs: number;
  readonly runMs: number;
  readonly outcome: string;
}

/** A step of request handling. It either answers the request itself or hands it on. */
export type Handler = (ctx: RequestContext) => void | Promise<void>;

/** Adds a header to be sent with the response, keeping earlier values of the same header. */
export function addResponseHeader(ctx: RequestContext, name: string, value: string): void {
  const headers = (ctx.responseHeaders ??= {});
  const key = name.toLowerCase();
  const existing = headers[key];
  if (existing === undefined) headers[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[key] = [String(existing), value];
}

/** Registers a hook on the upstream response headers (see `RequestContext.onResponseHeaders`). */
export function onResponseHeaders(
  ctx: RequestContext,
  hook: (status: number, headers: OutgoingHttpHeaders) => void,
): void {
  (ctx.onResponseHeaders ??= []).push(hook);
}
