import { dirname } from 'node:path';
import type { StaticConfig } from '../config/static/types.js';
import { buildService } from '../services/build-service.js';
import { HealthChecks, healthCheckKeys } from '../services/health-checks.js';
import type { ServerStatusEvent } from '../services/types.js';
import type { ConnectionTracker } from './transport/connection-tracking.js';
import { Transports } from './transport/transports.js';
import type { ServiceLayer } from './portier.js';

/**
 * The services as the runtime uses them: transports (connection pools) and health checkers are
 * created once and shared by every configuration version; after each swap, those no longer used
 * are released. `trackConnection` (metrics) is told of every upstream connection opened and closed.
 */
export function createServiceLayer(
  config: StaticConfig,
  onServerStatus: (event: ServerStatusEvent) => void,
  trackConnection?: ConnectionTracker,
): ServiceLayer {
  // Certificate paths are relative to the static configuration file, like every other path.
  const transports = new Transports(
    config.serversTransport,
    config.source?.file ? dirname(config.source.file) : process.cwd(),
    trackConnection,
  );
  const health = new HealthChecks();
  return {
    build: (name, service, resolveService, transport) => {
      const upstreams = transport
        ? transports.get(transport.config, `http.serversTransports.${transport.name}`)
        : transports.default;
      transports.use(upstreams, service.loadBalancer?.servers.map((server) => server.url) ?? []);
      return buildService(name, service, { resolveService, upstreams, health, onServerStatus });
    },
    retain: (services) => {
      transports.retainUsed();
      health.retainOnly(healthCheckKeys(services));
    },
    close: async () => {
      health.close();
      await transports.close();
    },
  };
}
