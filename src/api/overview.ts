import type { ObjectStatus, RuntimeView } from '../runtime/view.js';

export interface SectionCount {
  total: number;
  warnings: number;
  errors: number;
}

export interface OverviewFeatures {
  tracing: string;
  metrics: string;
  accessLog: boolean;
  hub: boolean;
}

/** Disabled objects count as errors, `warning` ones as warnings, as in Traefik's overview. */
function count(objects: Record<string, { status: ObjectStatus }>): SectionCount {
  const all = Object.values(objects);
  return {
    total: all.length,
    warnings: all.filter((o) => o.status === 'warning').length,
    errors: all.filter((o) => o.status === 'disabled').length,
  };
}

/** Traefik names providers after its static config sections: `File`, `Docker`… */
function providerLabel(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function overview(view: RuntimeView, features: OverviewFeatures) {
  return {
    http: { routers: count(view.routers), services: count(view.services), middlewares: count(view.middlewares) },
    tcp: {
      routers: count(view.tcp?.routers ?? {}),
      services: count(view.tcp?.services ?? {}),
      middlewares: count(view.tcp?.middlewares ?? {}),
    },
    udp: { routers: count(view.udp?.routers ?? {}), services: count(view.udp?.services ?? {}) },
    features,
    providers: Object.keys(view.providers)
      .filter((name) => name !== 'internal')
      .sort()
      .map(providerLabel),
  };
}
