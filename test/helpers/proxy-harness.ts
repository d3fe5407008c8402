import {
  createServer,
  request,
  ServerResponse,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after } from 'node:test';
import type { Duplex } from 'node:stream';
import type { Handler } from '../../src/runtime/context.js';
import { createRequestContext } from '../../src/runtime/request-context.js';
import { Upstreams } from '../../src/runtime/transport/upstreams.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { HealthChecks } from '../../src/services/health-checks.js';
import type { Service, ServerStatusEvent } from '../../src/services/types.js';

export interface Running {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  // Upgraded sockets are no longer the HTTP server's to close; they are tracked here instead.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A real upstream on an ephemeral loopback port. */
export function startUpstream(listener: RequestListener): Promise<Running> {
  return listen(createServer(listener));
}

/** An upstream that answers with its own name, to count where requests went. */
export function startNamedUpstream(name: string): Promise<Running> {
  return startUpstream((req, res) => {
    req.resume();
    res.end(name);
  });
}

/** A proxy entry point as the runtime builds it: one RequestContext per request, then `handler`. */
export function startProxy(handler: Handler): Promise<Running> {
  const server = createServer();
  const info = { name: 'web', scheme: 'http' as const, port: 0 };
  const run = (ctx: Parameters<Handler>[0]): void => {
    void Promise.resolve(handler(ctx)).catch((error: unknown) => {
      console.error('handler rejected', error);
      ctx.res.destroy();
    });
  };
  server.on('request', (req, res) => run(createRequestContext(req, res, info)));
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    run(createRequestContext(req, res, info));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    const ctx = createRequestContext(req, res, info);
    ctx.upgrade = { socket, head };
    run(ctx);
  });
  return listen(server).then((running) => {
    info.port = running.port;
    return running;
  });
}

/** A URL on which nothing listens: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
  const probe = await listen(createServer());
  await probe.close();
  return probe.url;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain node:http request on a fresh connection, able to send any header (fetch forbids some). */
export function send(
  url: string,
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const req = request(target, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Returns `track`, which remembers each server a test file starts; all of them are closed after
 * the file's tests, and then `alsoClose` runs (the pools and health checks under test).
 */
export function closedAfterTests(alsoClose: () => Promise<void>): (started: Promise<Running>) => Promise<Running> {
  const running: Running[] = [];
  after(async () => {
    await Promise.all(running.map((r) => r.close()));
    await alsoClose();
  });
  return async (started) => {
    const r = await started;
    running.push(r);
    return r;
  };
}

/** Dependencies for building services in tests; `statusEvents` collects health changes. */
export function testDeps(services: Record<string, Service> = {}): ServiceDeps & {
  statusEvents: ServerStatusEvent[];
  close(): Promise<void>;
} {
  const upstreams = new Upstreams();
  const health = new HealthChecks();
  const statusEvents: ServerStatusEvent[] = [];
  return {
    upstreams,
    health,
    statusEvents,
    onServerStatus: (event) => statusEvents.push(event),
    resolveService: (name) => {
      const service = services[name];
      if (!service) throw new Error(`unknown service ${name}`);
      return service;
    },
    close: async () => {
      health.close();
      await upstreams.close();
    },
  };
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
