import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request as undiciRequest } from 'undici';
import type { RequestContext } from '../../src/runtime/context.js';
import { respond } from '../../src/runtime/respond.js';
import { clientResponseHeaders } from '../../src/runtime/transport/response-headers.js';
import type { Middleware, MiddlewareDeps, MiddlewareType } from '../../src/middlewares/types.js';

/** What the terminal handler (standing in for the service) received, after the middlewares. */
export interface Received {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  consumer: string | undefined;
}

/** How the pretend upstream answers one request (maybe after a while): a response head, or "nothing reached it". */
export type UpstreamBehaviour = (ctx: RequestContext, attempt: number) => UpstreamAnswer | Promise<UpstreamAnswer>;

export type UpstreamAnswer =
  | {
      status?: number;
      headers?: OutgoingHttpHeaders;
      /** The response body (default: JSON of what was received); chunks are written one by one, unsized. */
      body?: string | Buffer[];
    }
  | 'unreachable';

export interface HarnessOptions {
  upstream?: UpstreamBehaviour;
  /** Scheme the pretend entry point reports (TLS is not needed to test scheme-dependent logic). */
  scheme?: 'http' | 'https';
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body bytes as received (still compressed, if they were). */
  raw: Buffer;
}

/** Builds a middleware of `type` from raw options, the way the runtime does (schema first). */
export function buildMiddleware(
  type: MiddlewareType,
  options: Record<string, unknown>,
  deps: Partial<MiddlewareDeps> = {},
): Middleware {
  const parsed = type.schema.parse(options) as Record<string, unknown>;
  return type.create(parsed, {
    name: 'test@file',
    resolveMiddleware: (name) => {
      throw new Error(`no middleware ${name}`);
    },
    readFile: () => {
      throw Object.assign(new Error('no files in this test'), { code: 'ENOENT' });
    },
    consumers: {},
    log: { warn: () => undefined, error: () => undefined },
    ...deps,
  });
}

/**
 * A real node:http server on 127.0.0.1 whose requests go through `middleware` into a terminal
 * handler that records what it received and answers like an upstream would: JSON of the request,
 * with the response-header hooks applied as the transport applies them.
 */
export class MiddlewareHarness {
  readonly received: Received[] = [];
  /** How many times the terminal handler was called, unreachable attempts included. */
  calls = 0;

  private readonly server: Server;
  private port = 0;

  private constructor(
    middleware: Middleware,
    private readonly options: HarnessOptions,
  ) {
    const handler = middleware((ctx) => this.answerAsUpstream(ctx));
    this.server = createServer((req, res) => {
      const ctx = contextFor(req, res, options.scheme ?? 'http');
      Promise.resolve(handler(ctx)).catch((error: unknown) => {
        respond(ctx, 500, `middleware threw: ${String(error)}`);
      });
    });
  }

  static async start(middleware: Middleware, options: HarnessOptions = {}): Promise<MiddlewareHarness> {
    const harness = new MiddlewareHarness(middleware, options);
    await new Promise<void>((resolve) => harness.server.listen(0, '127.0.0.1', resolve));
    harness.port = (harness.server.address() as AddressInfo).port;
    return harness;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The terminal handler: records the request and answers as the upstream transport would. */
  private async answerAsUpstream(ctx: RequestContext): Promise<void> {
    const body = ctx.body ?? (await readAll(ctx.req));
    const behaviour = (await this.options.upstream?.(ctx, ++this.calls)) ?? {};
    if (behaviour === 'unreachable') {
      if (!ctx.upstreamUnreachable?.(new Error('connect ECONNREFUSED'))) respond(ctx, 502, 'Bad Gateway');
      return;
    }
    const received: Received = {
      method: ctx.req.method ?? '',
      path: ctx.path,
      query: ctx.query,
      headers: { ...ctx.req.headers },
      body: body.toString('utf8'),
      consumer: ctx.consumer,
    };
    this.received.push(received);
    const status = behaviour.status ?? 200;
    const payload = behaviour.body ?? JSON.stringify(received);
    const sized = typeof payload === 'string' ? { 'content-length': Buffer.byteLength(payload) } : {};
    // A header given as undefined is left out (to answer without the default content type).
    const given = Object.entries({ 'content-type': 'application/json', ...sized, ...behaviour.headers });
    const head = clientResponseHeaders(
      ctx,
      status,
      Object.fromEntries(given.filter(([, value]) => value !== undefined)),
    );
    ctx.res.writeHead(status, head);
    if (typeof payload === 'string') {
      ctx.res.end(payload);
      return;
    }
    for (const chunk of payload) {
      if (!ctx.res.write(chunk)) await new Promise((resolve) => ctx.res.once('drain', resolve));
    }
    ctx.res.end();
  }

  /** Sends one request; redirects are not followed. A body given as chunks goes chunked. */
  async request(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] } = {},
  ): Promise<Reply> {
    const response = await undiciRequest(`${this.url}${path}`, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      body: Array.isArray(init.body) ? Readable.from(init.body) : init.body,
    });
    const raw = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body: raw.toString('utf8'), raw };
  }

  /** The last request the terminal handler received. */
  get last(): Received {
    const last = this.received.at(-1);
    if (!last) throw new Error('no request reached the terminal handler');
    return last;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Basic credentials header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function contextFor(req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https'): RequestContext {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const hostHeader = req.headers.host ?? '';
  return {
    req,
    res,
    entryPoint: 'web',
    scheme,
    host: hostHeader.replace(/:\d+$/, '').toLowerCase(),
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: queryAt < 0 ? '' : target.slice(queryAt + 1),
    clientIp: req.socket.remoteAddress ?? '',
    localPort: req.socket.localPort ?? 0,
    startTime: process.hrtime.bigint(),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
