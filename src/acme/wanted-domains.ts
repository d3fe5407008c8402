import type { RouterConfig, TcpRouterConfig } from '../config/dynamic/types.js';
import type { StaticConfig } from '../config/static/types.js';
import { ruleDomains } from '../rules/index.js';
import { tcpRuleNames } from '../tcp/tcp-rule.js';

/** A certificate a resolver must hold: its first name is the main one. */
export interface WantedCertificate {
  resolver: string;
  names: string[];
}

/**
 * The certificates routers ask for: `tls.certResolver` on the router, or on the entry point's
 * `http.tls`; the names from `tls.domains`, else from the rule's `Host` matchers (as Traefik).
 * TCP routers that terminate TLS ask with their own `tls.certResolver`, for `tls.domains` or their
 * `HostSNI` names (`*` and wildcards left out: HTTP-01 and TLS-ALPN-01 cannot prove those).
 */
export function wantedCertificates(
  routers: Record<string, RouterConfig>,
  config: StaticConfig,
  tcpRouters: Record<string, TcpRouterConfig> = {},
): WantedCertificate[] {
  const wanted = new Map<string, WantedCertificate>();
  const want = (resolver: string, sets: string[][]) => {
    for (const names of sets) {
      const clean = [...new Set(names.map((n) => n.toLowerCase()))];
      if (clean.length) wanted.set(`${resolver}|${clean.join(',')}`, { resolver, names: clean });
    }
  };
  for (const router of Object.values(routers)) {
    const entryPointResolver = (router.entryPoints ?? Object.keys(config.entryPoints))
      .map((ep) => config.entryPoints[ep]?.http?.tls?.certResolver)
      .find((resolver): resolver is string => typeof resolver === 'string');
    const resolver = router.tls?.certResolver ?? entryPointResolver;
    if (!resolver) continue;
    want(resolver, router.tls?.domains?.length ? domainSets(router.tls.domains) : [ruleDomains(router.rule)]);
  }
  for (const router of Object.values(tcpRouters)) {
    const resolver = router.tls?.certResolver;
    if (!resolver || router.tls?.passthrough) continue;
    want(resolver, router.tls?.domains?.length ? domainSets(router.tls.domains) : [sniNames(router.rule)]);
  }
  return [...wanted.values()];
}

function domainSets(domains: { main?: string; sans?: string[] }[]): string[][] {
  return domains.map((d) => [d.main ?? '', ...(d.sans ?? [])].filter(Boolean));
}

/** A TCP rule's exact `HostSNI` names (wildcards and `*` cannot be proved by HTTP-01 or TLS-ALPN-01). */
function sniNames(rule: string): string[] {
  return tcpRuleNames(rule).filter((name) => !name.startsWith('*'));
}
