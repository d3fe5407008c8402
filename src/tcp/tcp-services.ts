import type { TcpServiceConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import { OnDemandBuilder } from '../services/on-demand-builder.js';
import { smoothWeightedRoundRobin } from '../services/smooth-weighted-round-robin.js';

export interface TcpAddress {
  host: string;
  port: number;
  /** Dial the server over TLS. */
  tls?: boolean;
  /**
   * Traefik's `terminationDelay`: once one side has closed its writing half, the other side has
   * this many milliseconds to finish before the connection is closed. Unset: 100 (`pipe.ts`); negative: no limit.
   */
  terminationDelay?: number;
}

/** Picks the server for each new connection; undefined when the service has none. */
export type TcpPicker = () => TcpAddress | undefined;

/**
 * Builds TCP services on demand: a load balancer takes its servers in turn, a weighted service
 * shares connections between other services in proportion to their weights (smooth weighted
 * round robin, so a 3:1 split interleaves rather than sending bursts). Errors are ConfigErrors
 * keyed by the exact option; a service that refers to itself in a loop is an error too.
 */
export class TcpServiceBuilder extends OnDemandBuilder<TcpPicker> {
  constructor(private readonly services: Record<string, TcpServiceConfig>) {
    super();
  }

  protected build(name: string): TcpPicker {
    const config = this.services[name];
    if (!config) throw new ConfigError(`the TCP service "${name}" does not exist`);
    const key = `tcp.services.${name}`;
    if (config.weighted) {
      const next = smoothWeightedRoundRobin(
        this.resolveMembers(name, config.weighted.services, `${key}.weighted.services`),
      );
      return () => next()?.();
    }
    const terminationDelay = config.loadBalancer?.terminationDelay;
    const servers = (config.loadBalancer?.servers ?? []).map((server, i) => ({
      ...parseAddress(server.address, `${key}.loadBalancer.servers[${i}].address`),
      ...(server.tls ? { tls: true } : {}),
      ...(terminationDelay !== undefined ? { terminationDelay } : {}),
    }));
    let turn = 0;
    return () => (servers.length ? servers[turn++ % servers.length] : undefined);
  }
}

export function parseAddress(address: string, key: string): TcpAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  if (!match) throw new ConfigError(`${key}: "${address}" is not host:port; write it like "10.0.0.5:5432"`);
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}
