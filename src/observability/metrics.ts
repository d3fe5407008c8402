import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StaticConfig } from '../config/static/types.js';
import type { RuntimeView } from '../runtime/view.js';
import { LiveStats } from './live-stats.js';
import { RequestSeries } from './request-series.js';

/**
 * Prometheus metrics under Traefik's names (`traefik_…`), so existing Grafana dashboards and alerts
 * keep working. Labels stay bounded: entry point, router, service, status code and a fixed method
 * set. Request series are plain numbers on the hot path (see RequestSeries); prom-client holds the
 * rest (reloads, server state, connections, process metrics).
 */
export interface Metrics {
  /** Whether Prometheus metrics are configured (`metrics.prometheus`). */
  readonly enabled: boolean;
  /** Per-service and per-server request/error counts for the dashboard; always on. */
  readonly live: LiveStats;
  /** Records one finished request. */
  observeRequest(request: ObservedRequest): void;
  /** Records one function invocation: count by outcome and cold/warm, and run time. */
  observeFunction(invocation: ObservedInvocation): void;
  /** Counts a configuration reload and whether it was applied cleanly. */
  recordReload(success: boolean): void;
  /** Counts an open client connection to `entryPoint` (call the returned function when it closes); unset when metrics are off. */
  readonly trackEntryPointConnection?: (entryPoint: string) => () => void;
  /** Counts an open connection to an upstream origin (`scheme://host:port`); unset when metrics are off. */
  readonly trackUpstreamConnection?: (origin: string) => () => void;
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
  /** The authenticated gateway consumer, if any. */
  consumer?: string;
}

/** What the metrics keep of a function invocation (see the function runtime's InvocationRecord). */
export interface ObservedInvocation {
  function: string;
  cold: boolean;
  outcome: string;
  initMs: number;
  runMs: number;
}

/**
 * Finished requests are counted in batches of this many (and all at once before a scrape):
 * counting them back to back, with warm caches, measured about 1% of throughput cheaper at
 * saturation than counting each as it ended.
 */
const MAX_WAITING = 64;

/** Function run times are short: buckets from 1 ms to 10 s. */
const FUNCTION_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 2, 10];

/** Traefik's default buckets for request durations, in seconds. */
const DEFAULT_BUCKETS = [0.1, 0.3, 1.2, 5];

export function createMetrics(config: StaticConfig['metrics']): Metrics {
  const live = new LiveStats();
  const prometheus = config?.prometheus;
  if (!prometheus) return disabledMetrics(live);

  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const buckets = prometheus.buckets?.length ? prometheus.buckets : DEFAULT_BUCKETS;
  const entryPoints = new RequestSeries('entrypoint', ['code', 'method', 'protocol', 'entrypoint'], buckets);
  const routers = new RequestSeries('router', ['code', 'method', 'protocol', 'router', 'service'], buckets);
  const services = new RequestSeries('service', ['code', 'method', 'protocol', 'service'], buckets);
  // Gateway consumers are named in configuration, so this label stays bounded.
  const consumers = new RequestSeries('consumer', ['code', 'method', 'protocol', 'consumer'], buckets, 'portier');
  const reloads = new Counter({ name: 'traefik_config_reloads_total', help: 'Config reloads.', registers });
  // Deployed functions are few and named by operators, so the function label stays bounded.
  const invocations = new Counter({
    name: 'portier_function_invocations_total',
    help: 'Function invocations, by function, outcome and start (cold or warm).',
    labelNames: ['function', 'outcome', 'start'],
    registers,
  });
  const functionDuration = new Histogram({
    name: 'portier_function_duration_seconds',
    help: 'Function run time (without loading), by function.',
    labelNames: ['function'],
    buckets: FUNCTION_BUCKETS,
    registers,
  });
  const functionInit = new Histogram({
    name: 'portier_function_init_duration_seconds',
    help: 'Time to load a function version on a cold start, by function.',
    labelNames: ['function'],
    buckets: FUNCTION_BUCKETS,
    registers,
  });
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
  // Upstream connections are pooled per origin, which services may share: counted per origin here,
  // and written into the gauge when it is scraped (`collect`).
  const upstreamConnections = new Map<string, number>();
  new Gauge({
    name: 'portier_server_open_connections',
    help: 'How many connections are open to each upstream origin (scheme://host:port).',
    labelNames: ['url'],
    registers,
    // An origin seen at 0 is then forgotten, so that the addresses of replaced containers do not pile up.
    collect() {
      this.reset();
      for (const [url, open] of upstreamConnections) {
        this.labels({ url }).set(open);
        if (open === 0) upstreamConnections.delete(url);
      }
    },
  });

  const record = (request: ObservedRequest): void => {
    const { status, method, router, service, consumer } = request;
    const { durationSeconds: seconds, requestBytes: inBytes, responseBytes: outBytes } = request;
    entryPoints.observe(request.entryPoint, '', status, method, seconds, inBytes, outBytes);
    if (router && service) routers.observe(router, service, status, method, seconds, inBytes, outBytes);
    if (service) services.observe(service, '', status, method, seconds, inBytes, outBytes);
    if (consumer) consumers.observe(consumer, '', status, method, seconds, inBytes, outBytes);
  };
  const waiting: ObservedRequest[] = [];
  const recordWaiting = (): void => {
    for (const request of waiting) record(request);
    waiting.length = 0;
  };

  return {
    enabled: true,
    live,
    contentType: registry.contentType,
    observeRequest(request) {
      if (waiting.push(request) >= MAX_WAITING) recordWaiting();
    },
    observeFunction(invocation) {
      const name = invocation.function;
      invocations.inc({ function: name, outcome: invocation.outcome, start: invocation.cold ? 'cold' : 'warm' });
      functionDuration.observe({ function: name }, invocation.runMs / 1000);
      if (invocation.cold) functionInit.observe({ function: name }, invocation.initMs / 1000);
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
    trackEntryPointConnection(entryPoint) {
      const child = openConnections.labels({ entrypoint: entryPoint, protocol: 'http' });
      child.inc();
      return once(() => child.dec());
    },
    trackUpstreamConnection(origin) {
      const add = (delta: number) => upstreamConnections.set(origin, (upstreamConnections.get(origin) ?? 0) + delta);
      add(1);
      return once(() => add(-1));
    },
    async render(view) {
      recordWaiting();
      serverUp.reset();
      for (const [name, service] of Object.entries(view.services)) {
        for (const [url, state] of Object.entries(service.serverStatus ?? {})) {
          serverUp.labels({ service: name, url }).set(state === 'UP' ? 1 : 0);
        }
      }
      return (
        (await registry.metrics()) + entryPoints.render() + routers.render() + services.render() + consumers.render()
      );
    },
  };
}

/** A connection's close may be reported more than once; it is counted once. */
function once(close: () => void): () => void {
  let open = true;
  return () => {
    if (open) close();
    open = false;
  };
}

function disabledMetrics(live: LiveStats): Metrics {
  return {
    enabled: false,
    live,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    observeRequest: () => undefined,
    observeFunction: () => undefined,
    recordReload: () => undefined,
    render: async () => '',
  };
}
