/**
 * Portier's own endpoints, mounted by the integrator as internal services: the Traefik v3 REST API
 * (plus providers, live events and request stats), the dashboard's files, `/ping` and `/metrics`.
 * All of them only read the runtime's view; none changes configuration.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { StaticConfig } from '../config/static/types.js';
import type { FunctionEvent } from '../functions/activity.js';
import { createDashboardHandler, dashboardDirectory } from '../dashboard/handler.js';
import type { Metrics } from '../observability/metrics.js';
import type { Handler, RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';
import type { EntryPointView, RuntimeView } from '../runtime/view.js';
import { EventStream } from './event-stream.js';
import { findObject, listObjects, objectPath } from './objects.js';
import { sendError, sendJson } from './json.js';
import { paginate, PageError } from './list-query.js';
import { overview } from './overview.js';
import { entryPointSettings, rawData } from './representations.js';

export interface ApiDeps {
  view(): RuntimeView;
  /** Emits `'event'` with a RuntimeEvent on every reload and server state change. */
  events: EventEmitter;
  version: string;
  startDate: Date;
  isTerminating(): boolean;
  metrics: Metrics;
  /** The static configuration, for entry point details, `ping` options and the overview's features. */
  staticConfig?: StaticConfig;
  /** Function deploys, rollbacks, removals and refused deploys, forwarded on `/api/events` as `function`. */
  functionEvents?: { onChange(listener: (event: FunctionEvent) => void): () => void };
}

export interface ApiHandlers {
  /**
   * `api@internal`: everything under `/api/` except `/api/functions*` and, unless
   * `api.dashboard: false`, the dashboard (`/dashboard/…`, `/` redirecting to it) as in Traefik,
   * whose documented secure setup sends both to this one service.
   */
  api: Handler;
  /** `dashboard@internal`: the single-page app under `/dashboard/`, and `/` redirecting to it. */
  dashboard: Handler;
  /** `ping@internal`: `/ping`. */
  ping: Handler;
  /** `prometheus@internal`: `/metrics`. */
  prometheus: Handler;
  /** Ends open event streams and timers (on shutdown; also done by itself once terminating). */
  close(): void;
}

export function createApiHandler(deps: ApiDeps): ApiHandlers {
  const stream = new EventStream(
    deps.events,
    () => deps.view().generation,
    () => deps.isTerminating(),
  );
  const stopFunctionEvents = deps.functionEvents?.onChange((event) => stream.publish(event));
  const features = {
    tracing: '',
    metrics: deps.metrics.enabled ? 'Prometheus' : '',
    accessLog: deps.staticConfig?.accessLog !== undefined,
    hub: false,
  };
  deps.events.on('event', (event: { type: string }) => {
    if (event.type !== 'config') return;
    const providers = Object.values(deps.view().providers);
    deps.metrics.recordReload(!providers.some((p) => p.state === 'error'));
  });

  const sendList = (ctx: RequestContext, items: unknown[], query: URLSearchParams) => {
    try {
      const page = paginate(items, query);
      sendJson(ctx, 200, page.items, { 'x-next-page': page.nextPage });
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      sendError(ctx, 400, error.message);
    }
  };

  // The static configuration never changes, so each entry point's settings are worked out once;
  // one the view has but the configuration does not write shows the defaults.
  const writtenSettings = new Map(
    Object.entries(deps.staticConfig?.entryPoints ?? {}).map(([name, written]) => [
      name,
      entryPointSettings(name, written),
    ]),
  );
  const defaultSettings = entryPointSettings('default', undefined);
  const entryPointRepresentation = (entryPoint: EntryPointView) => ({
    ...(writtenSettings.get(entryPoint.name) ?? defaultSettings),
    ...entryPoint,
  });
  const entryPoints = (view: RuntimeView) =>
    Object.values(view.entryPoints)
      .map(entryPointRepresentation)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // Traefik gives each process a fresh id, so tools can tell a restart from a long-running instance.
  const versionInfo = {
    Version: deps.version,
    Codename: 'portier',
    startDate: deps.startDate.toISOString(),
    uuid: randomUUID(),
  };

  const endpoints: Handler = (ctx) => {
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') {
      sendError(ctx, 405, `method not allowed: ${ctx.req.method}; the API is read-only`);
      return;
    }
    const query = new URLSearchParams(ctx.query);
    const path = ctx.path.length > 1 && ctx.path.endsWith('/') ? ctx.path.slice(0, -1) : ctx.path;
    const view = deps.view();
    switch (path) {
      case '/api/overview':
        return sendJson(ctx, 200, overview(view, features));
      case '/api/rawdata':
        return sendJson(ctx, 200, rawData(view));
      case '/api/version':
        return sendJson(ctx, 200, versionInfo);
      case '/api/entrypoints':
        return sendList(ctx, entryPoints(view), query);
      case '/api/providers':
        return sendJson(
          ctx,
          200,
          Object.values(view.providers).sort((a, b) => (a.name < b.name ? -1 : 1)),
        );
      case '/api/events':
        return stream.open(ctx);
      case '/api/stats':
        return sendJson(ctx, 200, deps.metrics.live.snapshot());
      case '/api/certificates':
        return sendList(ctx, view.certificates ?? [], query);
    }
    const [, , section, kind, ...rest] = path.split('/');
    if (section === 'entrypoints' && kind !== undefined && rest.length === 0) {
      const name = decodeSegment(kind);
      const found = Object.values(view.entryPoints).find((ep) => ep.name === name);
      return found
        ? sendJson(ctx, 200, entryPointRepresentation(found))
        : sendError(ctx, 404, `entry point not found: ${name}`);
    }
    const objects = section !== undefined && kind !== undefined ? objectPath(section, kind) : undefined;
    if (objects) {
      if (rest.length === 0) return sendList(ctx, listObjects(view, objects, query), query);
      const result = findObject(view, objects, decodeSegment(rest.join('/')));
      return 'found' in result ? sendJson(ctx, 200, result.found) : sendError(ctx, 404, result.notFound);
    }
    sendError(ctx, 404, `not found: ${ctx.path}`);
  };

  const dashboard = createDashboardHandler(dashboardDirectory());
  const withDashboard = deps.staticConfig?.api?.dashboard !== false;
  const api: Handler = (ctx) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) return endpoints(ctx);
    if (withDashboard) return dashboard(ctx);
    sendError(ctx, 404, `not found: ${ctx.path}; the dashboard is off (api.dashboard: false)`);
  };

  const terminatingStatus = deps.staticConfig?.ping?.terminatingStatusCode ?? 503;
  const ping: Handler = (ctx) => {
    const status = deps.isTerminating() ? terminatingStatus : 200;
    // Exactly the status text, no newline: health checkers compare the body byte for byte.
    const body = Buffer.from(STATUS_CODES[status] ?? String(status));
    ctx.res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
  };

  const prometheus: Handler = async (ctx) => {
    if (!deps.metrics.enabled) {
      sendError(ctx, 404, 'metrics are off: set metrics.prometheus in the static configuration');
      return;
    }
    const body = await deps.metrics.render(deps.view());
    respond(ctx, 200, body, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
  };

  return {
    api,
    dashboard,
    ping,
    prometheus,
    close: () => {
      stopFunctionEvents?.();
      stream.close();
    },
  };
}

/** Names in paths are percent-encoded (`foo%2Fbar@file`); a malformed escape is taken literally. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
