import type { ServiceConfig } from '../config/dynamic/types.js';
import { originOf } from '../runtime/transport/upstreams.js';
import { healthCheckKey } from './health-checks.js';

/**
 * What a configuration needs kept across a reload: after swapping it in, the runtime passes these
 * to `Upstreams.retainOnly` and `HealthChecks.retainOnly`, which drop everything else.
 */
export function retainedState(services: Record<string, ServiceConfig>): {
  origins: Set<string>;
  healthCheckKeys: Set<string>;
} {
  const origins = new Set<string>();
  const healthCheckKeys = new Set<string>();
  for (const [name, config] of Object.entries(services)) {
    const lb = config.loadBalancer;
    for (const server of lb?.servers ?? []) {
      try {
        origins.add(originOf(server.url));
      } catch {
        continue; // a bad URL disabled its service already; it has no pool to keep
      }
      if (lb?.healthCheck) healthCheckKeys.add(healthCheckKey(name, server.url, lb.healthCheck));
    }
  }
  return { origins, healthCheckKeys };
}
