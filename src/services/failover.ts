import type { FailoverConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import type { RequestContext } from '../runtime/context.js';
import type { ServiceDeps } from './deps.js';
import type { Service } from './types.js';

/** The `failover` service: the main service while it has a server up, else the fallback. */
export function buildFailover(config: FailoverConfig, deps: ServiceDeps): Service {
  if (!config.service) throw new ConfigError('needs the name of the main service', 'failover.service');
  if (!config.fallback) throw new ConfigError('needs the name of the fallback service', 'failover.fallback');
  const main = deps.resolveService(config.service);
  const fallback = deps.resolveService(config.fallback);
  return {
    handle: (ctx: RequestContext) => (main.isAvailable() ? main.handle(ctx) : fallback.handle(ctx)),
    serverStatus: () => ({}),
    isAvailable: () => main.isAvailable() || fallback.isAvailable(),
  };
}
