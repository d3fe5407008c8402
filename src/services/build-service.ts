import type { ServiceConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import type { ServiceDeps } from './deps.js';
import { buildFailover } from './failover.js';
import { buildLoadBalancer } from './load-balancer.js';
import { buildMirroring } from './mirroring.js';
import type { Service } from './types.js';
import { buildWeighted } from './weighted.js';

const KINDS = ['loadBalancer', 'weighted', 'mirroring', 'failover'] as const;

/** Compiles one service config; throws ConfigError naming the key at fault. */
export function buildService(name: string, config: ServiceConfig, deps: ServiceDeps): Service {
  const kinds = KINDS.filter((kind) => config[kind] !== undefined);
  if (kinds.length !== 1) {
    throw new ConfigError(
      kinds.length === 0
        ? `a service needs one of ${KINDS.join(', ')}`
        : `a service has exactly one type, but ${kinds.join(' and ')} are both set; split them into two services`,
    );
  }
  if (config.loadBalancer) return buildLoadBalancer(name, config.loadBalancer, deps);
  if (config.weighted) return buildWeighted(name, config.weighted, deps);
  if (config.mirroring) return buildMirroring(config.mirroring, deps);
  return buildFailover(config.failover!, deps);
}
