import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HealthCheckConfig, ServiceConfig } from '../config/dynamic/types.js';
import type { UpstreamServer } from '../runtime/transport/upstreams.js';
import type { HealthCheckSettings } from './health-check-config.js';
import type { ServerState, ServerStatusEvent } from './types.js';

/** What a load balancer reads on each pick. */
export interface ServerHealth {
  readonly up: boolean;
}

/** The identity of one checker: a config change starts a fresh one, an unchanged one lives on. */
export function healthCheckKey(service: string, url: string, config: HealthCheckConfig): string {
  return `${service}\n${url}\n${JSON.stringify(config)}`;
}

/** The checker keys a configuration needs, for `HealthChecks.retainOnly` after a reload. */
export function healthCheckKeys(services: Record<string, ServiceConfig>): Set<string> {
  const keys = new Set<string>();
  for (const [name, config] of Object.entries(services)) {
    const lb = config.loadBalancer;
    if (!lb?.healthCheck) continue;
    for (const server of lb.servers ?? []) keys.add(healthCheckKey(name, server.url, lb.healthCheck));
  }
  return keys;
}

class Checker implements ServerHealth {
  up = true;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: { destroy(): void } | undefined;

  constructor(
    private readonly service: string,
    /** Replaced at each rebuild: its transport (TLS settings) may have changed. */
    public server: UpstreamServer,
    private readonly settings: HealthCheckSettings,
    public report: (event: ServerStatusEvent) => void,
  ) {
    this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.inFlight?.destroy();
    this.inFlight = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.up ? this.settings.intervalMs : this.settings.unhealthyIntervalMs;
    this.timer = setTimeout(() => this.check(), delay);
    this.timer.unref();
  }

  private check(): void {
    const { settings, server } = this;
    const secure = settings.scheme ? settings.scheme === 'https' : server.secure;
    const headers: Record<string, string> = { ...settings.headers };
    if (settings.hostname) headers.host = settings.hostname;
    let done = false;
    const finish = (healthy: boolean, reason?: string): void => {
      if (done) return;
      done = true;
      this.inFlight = undefined;
      this.setState(healthy ? 'UP' : 'DOWN', reason);
      this.schedule();
    };
    const request = (secure ? httpsRequest : httpRequest)({
      host: server.hostname,
      port: settings.port ?? server.port,
      method: settings.method,
      // Resolved against the server URL as Traefik does: an absolute path replaces its path.
      path: settings.path,
      headers,
      agent: false,
      timeout: settings.timeoutMs,
      // Checked like the requests it stands for: with the service's serversTransport TLS settings.
      ...(secure && server.upstreams.tlsOptions(server)),
    });
    this.inFlight = request;
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      // Only the status matters; a body cut short afterwards is no reason to crash.
      response.on('error', () => undefined);
      response.resume();
      const healthy = settings.status ? status === settings.status : status >= 200 && status < 400;
      finish(healthy, healthy ? undefined : `health check answered ${status}`);
    });
    request.on('timeout', () => request.destroy(new Error(`health check timed out after ${settings.timeoutMs}ms`)));
    request.on('error', (error) => finish(false, error.message));
    request.end();
  }

  private setState(state: ServerState, reason?: string): void {
    const up = state === 'UP';
    if (up === this.up || this.stopped) return;
    this.up = up;
    this.report({ service: this.service, url: this.server.url, state, ...(reason ? { reason } : {}) });
  }
}

/**
 * The active health checkers of all load balancers, kept across configuration reloads so that a
 * server that is down stays down (and an up one up) while its service is rebuilt.
 */
export class HealthChecks {
  private readonly checkers = new Map<string, Checker>();

  /** Starts (or finds, after a reload) the checker of one server; servers start UP. */
  watch(
    service: string,
    server: UpstreamServer,
    config: HealthCheckConfig,
    settings: HealthCheckSettings,
    report: (event: ServerStatusEvent) => void,
  ): ServerHealth {
    const key = healthCheckKey(service, server.url, config);
    let checker = this.checkers.get(key);
    if (checker) {
      checker.report = report;
      checker.server = server;
    } else {
      checker = new Checker(service, server, settings, report);
      this.checkers.set(key, checker);
    }
    return checker;
  }

  /** Stops the checkers whose key the new configuration no longer has. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, checker] of this.checkers) {
      if (keys.has(key)) continue;
      checker.stop();
      this.checkers.delete(key);
    }
  }

  close(): void {
    this.retainOnly(new Set());
  }
}
