import type { TcpServiceConfig } from '../config/dynamic/types.js';
import { ConfigError } from '../config/errors.js';
import { providerOf, qualify } from '../providers/aggregator.js';

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
export class TcpServiceBuilder {
  private readonly built = new Map<string, { picker?: TcpPicker; error?: string }>();
  private readonly building = new Set<string>();

  constructor(private readonly services: Record<string, TcpServiceConfig>) {}

  /** The picker of `name`, or a ConfigError saying why there is none. */
  resolve(name: string): TcpPicker {
    let entry = this.built.get(name);
    if (!entry) {
      try {
        entry = { picker: this.build(name) };
      } catch (error) {
        entry = { error: error instanceof ConfigError ? error.describe() : String(error) };
      }
      this.built.set(name, entry);
    }
    if (entry.picker) return entry.picker;
    throw new ConfigError(entry.error!);
  }

  /** The error of a configured service, if it cannot be built. */
  errorOf(name: string): string | undefined {
    try {
      this.resolve(name);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private build(name: string): TcpPicker {
    const config = this.services[name];
    if (!config) throw new ConfigError(`the TCP service "${name}" does not exist`);
    const key = `tcp.services.${name}`;
    if (config.weighted) return this.weighted(name, config.weighted.services, `${key}.weighted.services`);
    const terminationDelay = config.loadBalancer?.terminationDelay;
    const servers = (config.loadBalancer?.servers ?? []).map((server, i) => ({
      ...parseAddress(server.address, `${key}.loadBalancer.servers[${i}].address`),
      ...(server.tls ? { tls: true } : {}),
      ...(terminationDelay !== undefined ? { terminationDelay } : {}),
    }));
    let turn = 0;
    return () => (servers.length ? servers[turn++ % servers.length] : undefined);
  }

  private weighted(name: string, children: { name: string; weight?: number }[], key: string): TcpPicker {
    if (this.building.has(name)) throw new ConfigError(`${key}: "${name}" includes itself; remove the loop`);
    this.building.add(name);
    try {
      const members = children.map((child, i) => {
        const weight = child.weight ?? 1;
        if (!Number.isInteger(weight) || weight < 0) {
          throw new ConfigError(`${key}[${i}].weight: must be a whole number, 0 or more, not ${weight}`);
        }
        const childName = qualify(child.name, providerOf(name));
        try {
          return { pick: this.resolve(childName), weight, current: 0 };
        } catch (error) {
          throw new ConfigError(`${key}[${i}].name: ${(error as Error).message}`);
        }
      });
      const total = members.reduce((sum, member) => sum + member.weight, 0);
      return () => {
        let best: (typeof members)[number] | undefined;
        for (const member of members) {
          member.current += member.weight;
          if (member.weight > 0 && (!best || member.current > best.current)) best = member;
        }
        if (!best) return undefined;
        best.current -= total;
        return best.pick();
      };
    } finally {
      this.building.delete(name);
    }
  }
}

export function parseAddress(address: string, key: string): TcpAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  if (!match) throw new ConfigError(`${key}: "${address}" is not host:port; write it like "10.0.0.5:5432"`);
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}
