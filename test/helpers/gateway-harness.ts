/**
 * In-process harness for gateway middlewares: a real node:http server on 127.0.0.1 that builds a
 * RequestContext, runs the middleware, and answers 200 with what the upstream would have received.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsumerConfig } from '../../src/config/dynamic/types.js';
import type { Middleware, MiddlewareDeps, MiddlewareType } from '../../src/middlewares/types.js';
import type { Handler, RequestContext } from '../../src/runtime/context.js';
import { parseWithSchema } from '../../src/config/validate.js';

export interface Upstream {
  headers: IncomingHttpHeaders;
  body: string;
  consumer?: string;
  path: string;
  query: string;
}

export interface LogLine {
  obj: Record<string, unknown>;
  msg: string;
}

export interface Harness {
  port: number;
  logs: LogLine[];
  send(options: SendOptions): Promise<Reply>;
  close(): Promise<void>;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** What reached the upstream, when the middleware let the request through. */
  upstream?: Upstream;
}

export function gatewayDeps(
  consumers: Record<string, ConsumerConfig> = {},
  logs: LogLine[] = [],
  name = 'test@file',
): MiddlewareDeps {
  const record = (obj: object, msg: string): void => void logs.push({ obj: obj as Record<string, unknown>, msg });
  return {
    name,
    consumers,
    resolveMiddleware: () => {
      throw new Error('not used by gateway middlewares');
    },
    readFile: () => {
      throw new Error('not used by gateway middlewares');
    },
    log: { warn: record, error: record },
  };
}

/** Validates options with the type's schema (as the runtime does) and builds the middleware. */
export function buildMiddleware(
  type: MiddlewareType,
  options: Record<string, unknown>,
  deps: MiddlewareDeps,
): Middleware {
  return type.create(parseWithSchema(type.schema, options, 'test') as Record<string, unknown>, deps);
}

/** Starts a server running `middleware` in front of an echoing upstream. */
export async function startHarness(middleware: Middleware, logs: LogLine[] = []): Promise<Harness> {
  const upstream: Handler = async (ctx) => {
    const body = ctx.body ?? (await readAll(ctx));
    const echo: Upstream = {
      headers: ctx.req.headers,
      body: body.toString('utf8'),
      consumer: ctx.consumer,
      path: ctx.path,
      query: ctx.query,
    };
    const payload = JSON.stringify(echo);
    ctx.res.writeHead(200, { ...ctx.responseHeaders, 'content-type': 'application/json', 'x-upstream': '1' });
    ctx.res.end(payload);
  };
  const handler = middleware(upstream);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx: RequestContext = {
      req,
      res,
      entryPoint: 'web',
      scheme: 'http',
      host: (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase(),
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      clientIp: req.socket.remoteAddress ?? '',
      localPort: req.socket.localPort ?? 0,
      startTime: process.hrtime.bigint(),
    };
    Promise.resolve(handler(ctx)).catch((error: unknown) => {
      logs.push({ obj: { error: String(error) }, msg: 'harness: handler threw' });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    logs,
    send: (options) => send(port, options),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(ctx: RequestContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function send(port: number, options: SendOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string | string[] | number> = { ...options.headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = body.length;
    }
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const upstream = res.headers['x-upstream'] ? (JSON.parse(text) as Upstream) : undefined;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, upstream });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
