import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler, type ApiDeps, type ApiHandlers } from '../../src/api/index.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createRequestObserver } from '../../src/observability/request-observer.js';
import type { Handler } from '../../src/runtime/context.js';
import { createRequestContext } from '../../src/runtime/request-context.js';
import type { RuntimeEvent, RuntimeView } from '../../src/runtime/view.js';

export interface ApiTestServer {
  url: string;
  handlers: ApiHandlers;
  events: EventEmitter<{ event: [RuntimeEvent] }>;
  /** Replaces the view and announces it as a reload, as the runtime does. */
  reload(view: RuntimeView): void;
  setTerminating(value: boolean): void;
  close(): Promise<void>;
}

/**
 * The API and dashboard handlers on a plain node:http server, dispatched the way the integrator's
 * internal routers do (`/api` → api, `/ping`, `/metrics`, everything else → dashboard), with the
 * request observer attached. `/echo…` stands for a user's router (`echo@file`), answered here. Used by the unit tests and to develop the dashboard against a fixture.
 */
export async function startApiServer(
  initial: RuntimeView,
  options: Partial<Pick<ApiDeps, 'metrics' | 'staticConfig' | 'functionEvents'>> & { port?: number } = {},
): Promise<ApiTestServer> {
  let view = initial;
  let terminating = false;
  const events = new EventEmitter<{ event: [RuntimeEvent] }>();
  const metrics = options.metrics ?? createMetrics({ prometheus: {} });
  const handlers = createApiHandler({
    view: () => view,
    events,
    version: '0.1.0-test',
    startDate: new Date('2026-11-25T21:00:00.000Z'),
    isTerminating: () => terminating,
    metrics,
    staticConfig: options.staticConfig,
    functionEvents: options.functionEvents,
  });
  const observe = createRequestObserver({ metrics });
  const info = { name: 'traefik', scheme: 'http' as const, port: 0 };
  const echo: Handler = (ctx) => {
    ctx.upstreamUrl = 'http://127.0.0.1:9';
    ctx.res.writeHead(ctx.path === '/echo/fail' ? 502 : 200).end('echo');
  };
  const route = (path: string): [Handler, string] => {
    if (path.startsWith('/echo')) return [echo, 'echo@file'];
    if (path === '/api' || path.startsWith('/api/')) return [handlers.api, 'api@internal'];
    if (path === '/ping') return [handlers.ping, 'ping@internal'];
    if (path === '/metrics') return [handlers.prometheus, 'prometheus@internal'];
    return [handlers.dashboard, 'dashboard@internal'];
  };
  const server: Server = createServer((req, res) => {
    const ctx = createRequestContext(req, res, info);
    const [handler, service] = route(ctx.path);
    ctx.routerName = service;
    ctx.serviceName = service;
    res.once('close', () => observe(ctx, res.statusCode, req.socket.bytesWritten));
    void handler(ctx);
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  info.port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${info.port}`,
    handlers,
    events,
    reload(next) {
      view = next;
      events.emit('event', { type: 'config', generation: next.generation });
    },
    setTerminating(value) {
      terminating = value;
    },
    async close() {
      handlers.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
