import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StaticConfig } from '../config/static/types.js';
import type { RuntimeView } from '../runtime/view.js';
import { LiveStats } from './live-stats.js';

/**
 * Prometheus metrics under Traefik's names (`traefik_…`), so existing Grafana dashboards and alerts
 * keep working. Labels stay bounded: entry point, router, service, status code and a fixed method
 * set. The hot path does one map lookup per request for pre-bound label children.
 */
export interface Metrics {
  /** Whether Prometheus metrics are configured (`metrics.prometheus`). */
  readonly enabled: boolean;
  /** Per-service and per-server request/error counts for the dashboard; always on. */
  readonly live: LiveStats;
  /** Records one finished request. */
  observeRequest(request: ObservedRequest): void;
  /** Counts a configuration reload and whether it was applied cleanly. */
  recordReload(success: boolean): void;
  /**
   * Tracks an open connection; call the returned function when it closes. `service` and `url`
   * are set for upstream connections, `entryPoint` for client ones.
   */
  trackConnection(labels: { entryPoint: string } | { service: string; url: string }): () => void;
  /** Prometheus text exposition, with server UP/DOWN read from the runtime view at scrape time. */
  render(view: RuntimeView): Promise<string>;
  readonly contentType: string;
}

export interface ObservedRequest {
  entryPoint: string;
  router?: string;
  service?: string;
  method: string;
  status: number;
  durationSeconds: number;
  requestBytes: number;
  responseBytes: number;
}

/** Traefik's default buckets for request durations, in seconds. */
const DEFAULT_BUCKETS = [0.1, 0.3, 1.2, 5];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** Any other method becomes one label value, so clients cannot grow the label set. */
function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'EXTENSION_METHOD';
}

interface RequestSeries {
  requests: Counter<string>;
  duration: Histogram<string>;
  requestBytes: Counter<string>;
  responseBytes: Counter<string>;
}

interface BoundSeries {
  requests: ReturnType<Counter<string>['labels']>;
  duration: ReturnType<Histogram<string>['labels']>;
  requestBytes: ReturnType<Counter<string>['labels']>;
  responseBytes: ReturnType<Counter<string>['labels']>;
}

function requestSeries(registry: Registry, scope: string, labelNames: string[], buckets: number[]): RequestSeries {
  const registers = [registry];
  return {
    requests: new Counter({
      name: `traefik_${scope}_requests_total`,
      help: `How many HTTP requests processed on a ${scope}, partitioned by status code, protocol, and method.`,
      labelNames,
      registers,
    }),
    duration: new Histogram({
      name: `traefik_${scope}_request_duration_seconds`,
      help: `How long it took to process the request on a ${scope}, partitioned by status code, protocol, and method.`,
      labelNames,
      buckets,
      registers,
    }),
    requestBytes: new Counter({
      name: `traefik_${scope}_requests_bytes_total`,
      help: `The total size of requests in bytes handled by a ${scope}, partitioned by status code, protocol, and method.`,
      labelNames,
      registers,
    }),
    responseBytes: new Counter({
      name: `traefik_${scope}_responses_bytes_total`,
      help: `The total size of responses in bytes handled by a ${scope}, partitioned by status code, protocol, and method.`,
      labelNames,
      registers,
    }),
  };
}

/** Binds every series of a scope to one label set, once; later requests reuse the children. */
function bind(series: RequestSeries, labels: Record<string, string>): BoundSeries {
  return {
    requests: series.requests.labels(labels),
    duration: series.duration.labels(labels),
    requestBytes: series.requestBytes.labels(labels),
    responseBytes: series.responseBytes.labels(labels),
  };
}

function record(bound: BoundSeries, request: ObservedRequest): void {
  bound.requests.inc();
  bound.duration.observe(request.durationSeconds);
  if (request.requestBytes > 0) bound.requestBytes.inc(request.requestBytes);
  if (request.responseBytes > 0) bound.responseBytes.inc(request.responseBytes);
}

export function createMetrics(config: StaticConfig['metrics']): Metrics {
  const live = new LiveStats();
  const prometheus = config?.prometheus;
  if (!prometheus) return disabledMetrics(live);

  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const buckets = prometheus.buckets?.length ? prometheus.buckets : DEFAULT_BUCKETS;
  const entryPoints = requestSeries(registry, 'entrypoint', ['code', 'method', 'protocol', 'entrypoint'], buckets);
  const routers = requestSeries(registry, 'router', ['code', 'method', 'protocol', 'router', 'service'], buckets);
  const services = requestSeries(registry, 'service', ['code', 'method', 'protocol', 'service'], buckets);
  const reloads = new Counter({ name: 'traefik_config_reloads_total', help: 'Config reloads.', registers });
  const reloadFailures = new Counter({
    name: 'traefik_config_reloads_failure_total',
    help: 'Config reloads in which a provider reported an error.',
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'traefik_config_last_reload_success',
    help: 'Last config reload success (Unix time, seconds).',
    registers,
  });
  const lastFailure = new Gauge({
    name: 'traefik_config_last_reload_failure',
    help: 'Last config reload failure (Unix time, seconds).',
    registers,
  });
  const serverUp = new Gauge({
    name: 'traefik_service_server_up',
    help: 'service server is up, described by gauge value of 0 or 1.',
    labelNames: ['service', 'url'],
    registers,
  });
  const openConnections = new Gauge({
    name: 'traefik_open_connections',
    help: 'How many open connections exist, by entryPoint and protocol.',
    labelNames: ['entrypoint', 'protocol'],
    registers,
  });
  const serverConnections = new Gauge({
    name: 'traefik_service_server_open_connections',
    help: 'How many connections are open to each upstream server (Portier extension).',
    labelNames: ['service', 'url'],
    registers,
  });

  // Keyed by every label value joined: a request pays one string concat and one lookup per scope.
  const bound = new Map<string, BoundSeries>();
  const boundFor = (key: string, series: RequestSeries, labels: () => Record<string, string>): BoundSeries => {
    let found = bound.get(key);
    if (!found) bound.set(key, (found = bind(series, labels())));
    return found;
  };

  return {
    enabled: true,
    live,
    contentType: registry.contentType,
    observeRequest(request) {
      const code = String(request.status);
      const method = methodLabel(request.method);
      const base = `${code} ${method}`;
      record(
        boundFor(`e ${base} ${request.entryPoint}`, entryPoints, () => ({
          code,
          method,
          protocol: 'http',
          entrypoint: request.entryPoint,
        })),
        request,
      );
      const { router, service } = request;
      if (router && service) {
        record(
          boundFor(`r ${base} ${router} ${service}`, routers, () => ({
            code,
            method,
            protocol: 'http',
            router,
            service,
          })),
          request,
        );
      }
      if (service) {
        record(
          boundFor(`s ${base} ${service}`, services, () => ({ code, method, protocol: 'http', service })),
          request,
        );
      }
    },
    recordReload(success) {
      reloads.inc();
      const now = Date.now() / 1000;
      if (success) lastSuccess.set(now);
      else {
        reloadFailures.inc();
        lastFailure.set(now);
      }
    },
    trackConnection(labels) {
      const child =
        'entryPoint' in labels
          ? openConnections.labels({ entrypoint: labels.entryPoint, protocol: 'http' })
          : serverConnections.labels({ service: labels.service, url: labels.url });
      child.inc();
      let open = true;
      return () => {
        if (open) child.dec();
        open = false;
      };
    },
    async render(view) {
      serverUp.reset();
      for (const [name, service] of Object.entries(view.services)) {
        for (const [url, state] of Object.entries(service.serverStatus ?? {})) {
          serverUp.labels({ service: name, url }).set(state === 'UP' ? 1 : 0);
        }
      }
      return registry.metrics();
    },
  };
}

function disabledMetrics(live: LiveStats): Metrics {
  return {
    enabled: false,
    live,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    observeRequest: () => undefined,
    recordReload: () => undefined,
    trackConnection: () => () => undefined,
    render: async () => '',
  };
}
