import type { RouterConfig } from '../config/dynamic/types.js';
import type { StaticConfig } from '../config/static/types.js';

/** Portier's own services, by the names routers use to reach them. */
export const INTERNAL_SERVICE_NAMES = [
  'api@internal',
  'dashboard@internal',
  'ping@internal',
  'prometheus@internal',
  'functions@internal',
  'jwks@internal',
  'noop@internal',
] as const;

/** Internal routers outrank any user router on the entry points they share. */
const TOP_PRIORITY = Number.MAX_SAFE_INTEGER;

/**
 * The routers that expose Portier's own services, as Traefik does: with `api.insecure` the API
 * and dashboard on the `traefik` entry point; `/ping` and `/metrics` on the entry points their
 * sections name. On any other entry point these services are reachable only through a router
 * that a user wrote on purpose (`service: api@internal`), which they can guard with auth.
 */
export function internalRouters(config: StaticConfig): {
  routers: Record<string, RouterConfig>;
  apiEntryPoint?: string;
} {
  const routers: Record<string, RouterConfig> = {};
  let apiEntryPoint: string | undefined;
  if (config.api?.insecure && config.entryPoints.traefik) {
    apiEntryPoint = 'traefik';
    const on = [apiEntryPoint];
    routers['api@internal'] = {
      rule: 'PathPrefix(`/api`)',
      service: 'api@internal',
      entryPoints: on,
      priority: TOP_PRIORITY - 2,
    };
    routers['jwks@internal'] = {
      rule: 'Path(`/.well-known/jwks.json`)',
      service: 'jwks@internal',
      entryPoints: on,
      priority: TOP_PRIORITY - 2,
    };
    if (config.api.dashboard !== false) {
      routers['dashboard@internal'] = {
        rule: 'PathPrefix(`/`)',
        service: 'dashboard@internal',
        entryPoints: on,
        priority: 1,
      };
    }
  }
  if (config.ping?.entryPoint) {
    routers['ping@internal'] = {
      rule: 'Path(`/ping`)',
      service: 'ping@internal',
      entryPoints: [config.ping.entryPoint],
      priority: TOP_PRIORITY,
    };
  }
  const prometheus = config.metrics?.prometheus;
  if (prometheus?.entryPoint) {
    routers['prometheus@internal'] = {
      rule: 'Path(`/metrics`)',
      service: 'prometheus@internal',
      entryPoints: [prometheus.entryPoint],
      priority: TOP_PRIORITY,
    };
  }
  return { routers, apiEntryPoint };
}
