import type { ServiceConfig } from '../config/dynamic/types.js';
import type { StaticConfig } from '../config/static/types.js';
import { buildService } from '../services/build-service.js';
import { HealthChecks, healthCheckKeys } from '../services/health-checks.js';
import type { ServerStatusEvent } from '../services/types.js';
import { originOf, Upstreams } from './transport/upstreams.js';
import type { ServiceLayer } from './portier.js';

/**
 * The services as the runtime uses them: connection pools and health checkers are created once
 * and shared by every configuration version; after each swap, those of removed servers are released.
 */
export function createServiceLayer(
  config: StaticConfig,
  onServerStatus: (event: ServerStatusEvent) => void,
): ServiceLayer {
  const upstreams = new Upstreams(config.serversTransport);
  const health = new HealthChecks();
  return {
    build: (name, service, resolveService) =>
      buildService(name, service, { resolveService, upstreams, health, onServerStatus }),
    retain: (services) => {
      upstreams.retainOnly(originsOf(services));
      health.retainOnly(healthCheckKeys(services));
    },
    close: async () => {
      health.close();
      await upstreams.close();
    },
  };
}

function originsOf(services: Record<string, ServiceConfig>): Set<string> {
  const origins = new Set<string>();
  for (const service of Object.values(services)) {
    for (const server of service.loadBalancer?.servers ?? []) {
      try {
        origins.add(originOf(server.url));
      } catch {
        // an invalid URL has no pool; its service already carries the error
      }
    }
  }
  return origins;
}
