import type { TcpConfig } from '../config/dynamic/types.js';
import { providerOf, qualify } from '../providers/aggregator.js';

export interface TcpAddress {
  host: string;
  port: number;
}

/** One TCP router, ready: where its connections go (round robin over the servers). */
export interface TcpRoute {
  readonly name: string;
  /** Whether the router has `tls` (it answers TLS connections; else plain ones). */
  readonly tls: boolean;
  readonly passthrough: boolean;
  next(): TcpAddress;
}

/**
 * The TCP routers of one entry point. TLS connections are matched by SNI (exact name, then a
 * one-label wildcard, then `*`); plain connections only by `HostSNI(\`*\`)`, which then takes
 * every plain connection of the entry point, as in Traefik.
 */
export class TcpTable {
  private readonly byName = new Map<string, TcpRoute>();
  private catchAllTls: TcpRoute | undefined;
  plainCatchAll: TcpRoute | undefined;

  add(route: TcpRoute, names: string[]): void {
    for (const name of names) {
      if (!route.tls) {
        if (name === '*') this.plainCatchAll ??= route;
      } else if (name === '*') this.catchAllTls ??= route;
      else if (!this.byName.has(name)) this.byName.set(name, route);
    }
  }

  get hasTlsRoutes(): boolean {
    return this.byName.size > 0 || this.catchAllTls !== undefined;
  }

  matchTls(serverName: string | undefined): TcpRoute | undefined {
    if (serverName) {
      const exact = this.byName.get(serverName);
      if (exact) return exact;
      const dot = serverName.indexOf('.');
      const wildcard = dot > 0 ? this.byName.get(`*${serverName.slice(dot)}`) : undefined;
      if (wildcard) return wildcard;
    }
    return this.catchAllTls;
  }
}

/** Compiles `tcp`; a broken router is left out with an error naming its key and the fix. */
export function buildTcpTables(
  tcp: TcpConfig | undefined,
  entryPoints: readonly string[],
  defaults: readonly string[],
) {
  const tables = new Map<string, TcpTable>(entryPoints.map((ep) => [ep, new TcpTable()]));
  const errors: string[] = [];
  const routers = Object.entries(tcp?.routers ?? {}).sort(([, a], [, b]) => (b.priority ?? 0) - (a.priority ?? 0));
  for (const [name, router] of routers) {
    const key = `tcp.routers.${name}`;
    try {
      const names = hostSniNames(router.rule, `${key}.rule`);
      const serviceName = qualify(router.service, providerOf(name));
      const servers = (tcp?.services?.[serviceName]?.loadBalancer?.servers ?? []).map((s, i) =>
        parseAddress(s.address, `tcp.services.${serviceName}.loadBalancer.servers[${i}].address`),
      );
      if (!servers.length) throw new Error(`${key}.service: "${serviceName}" does not exist or has no servers`);
      let turn = 0;
      const route: TcpRoute = {
        name,
        tls: router.tls !== undefined,
        passthrough: router.tls?.passthrough ?? false,
        next: () => servers[turn++ % servers.length]!,
      };
      for (const ep of router.entryPoints?.length ? router.entryPoints : defaults) tables.get(ep)?.add(route, names);
    } catch (error) {
      errors.push(`${(error as Error).message}; this TCP router is disabled`);
    }
  }
  return { tables, errors };
}

/** ``HostSNI(`a`, `b`) || HostSNI(`*`)``: the names; other matchers are not supported yet. */
function hostSniNames(rule: string, key: string): string[] {
  const names: string[] = [];
  const rest = rule.replace(/HostSNI\(([^)]*)\)/g, (_, args: string) => {
    for (const match of args.matchAll(/[`"]([^`"]*)[`"]/g)) names.push(match[1]!.toLowerCase());
    return '';
  });
  if (!names.length || rest.replace(/\|\|/g, '').trim()) {
    throw new Error(`${key}: "${rule}" is not supported; write HostSNI(\`name\`) (joined with ||) or HostSNI(\`*\`)`);
  }
  return names;
}

function parseAddress(address: string, key: string): TcpAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  if (!match) throw new Error(`${key}: "${address}" is not host:port; write it like "10.0.0.5:5432"`);
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}
