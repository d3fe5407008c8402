import type { RouterConfig } from '../config/dynamic/types.js';
import type { StaticConfig } from '../config/static/types.js';
import { ruleDomains } from '../rules/index.js';

/** A certificate a resolver must hold: its first name is the main one. */
export interface WantedCertificate {
  resolver: string;
  names: string[];
}

/**
 * The certificates routers ask for: `tls.certResolver` on the router, or on the entry point's
 * `http.tls`; the names from `tls.domains`, else from the rule's `Host` matchers (as Traefik).
 */
export function wantedCertificates(routers: Record<string, RouterConfig>, config: StaticConfig): WantedCertificate[] {
  const wanted = new Map<string, WantedCertificate>();
  for (const router of Object.values(routers)) {
    const entryPointResolver = (router.entryPoints ?? Object.keys(config.entryPoints))
      .map((ep) => config.entryPoints[ep]?.http?.tls?.certResolver)
      .find((resolver): resolver is string => typeof resolver === 'string');
    const resolver = router.tls?.certResolver ?? entryPointResolver;
    if (!resolver) continue;
    const sets = router.tls?.domains?.length
      ? router.tls.domains.map((d) => [d.main ?? '', ...(d.sans ?? [])].filter(Boolean))
      : [ruleDomains(router.rule)];
    for (const names of sets) {
      const clean = [...new Set(names.map((n) => n.toLowerCase()))];
      if (clean.length) wanted.set(`${resolver}|${clean.join(',')}`, { resolver, names: clean });
    }
  }
  return [...wanted.values()];
}
