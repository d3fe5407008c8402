import type { UdpServiceConfig } from '../config/dynamic/types.js';
import { closestKey } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import { parseAddress, type TcpAddress } from '../tcp/tcp-services.js';

export type UdpAddress = Omit<TcpAddress, 'tls'>;

/** A built service: picks the server of each new session, and lists every server it can pick. */
export interface UdpBalancer {
  pick(): UdpAddress | undefined;
  /** `host:port` of each reachable server: sessions on other servers end at a reload. */
  servers: ReadonlySet<string>;
}

/**
 * Builds UDP services on demand: a load balancer takes its servers in turn, a weighted service
 * shares sessions between other services by weight (smooth weighted round robin, so 3:1
 * interleaves). Errors name the exact key; a missing service gets a "did you mean".
 */
export class UdpServiceBuilder {
  private readonly built = new Map<string, UdpBalancer | ConfigError>();
  private readonly building = new Set<string>();

  constructor(private readonly services: Record<string, UdpServiceConfig>) {}

  /** The balancer of `name`, or throws a ConfigError saying why there is none. */
  resolve(name: string): UdpBalancer {
    let entry = this.built.get(name);
    if (!entry) {
      try {
        entry = this.build(name);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        entry = error;
      }
      this.built.set(name, entry);
    }
    if (entry instanceof ConfigError) throw entry;
    return entry;
  }

  /** The error of a configured service, if it cannot be built. */
  errorOf(name: string): string | undefined {
    try {
      this.resolve(name);
      return undefined;
    } catch (error) {
      return (error as ConfigError).describe();
    }
  }

  private build(name: string): UdpBalancer {
    const config = this.services[name];
    if (!config) {
      const guess = closestKey(name, Object.keys(this.services));
      throw new ConfigError(`the UDP service "${name}" does not exist${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
    const key = `udp.services.${name}`;
    if (config.weighted) return this.weighted(name, config.weighted.services, `${key}.weighted.services`);
    const servers = (config.loadBalancer?.servers ?? []).map((server, i) =>
      parseAddress(server.address, `${key}.loadBalancer.servers[${i}].address`),
    );
    let turn = 0;
    return {
      pick: () => (servers.length ? servers[turn++ % servers.length] : undefined),
      servers: new Set(servers.map(addressKey)),
    };
  }

  private weighted(name: string, children: { name: string; weight?: number }[], key: string): UdpBalancer {
    if (this.building.has(name)) throw new ConfigError(`${key}: "${name}" includes itself; remove the loop`);
    this.building.add(name);
    try {
      const members = children.map((child, i) => {
        const childName = qualify(child.name, providerOf(name));
        try {
          return { balancer: this.resolve(childName), weight: child.weight ?? 1, current: 0 };
        } catch (error) {
          throw new ConfigError(`${key}[${i}].name: ${(error as ConfigError).describe()}`);
        }
      });
      const total = members.reduce((sum, member) => sum + member.weight, 0);
      const servers = new Set(members.filter((m) => m.weight > 0).flatMap((m) => [...m.balancer.servers]));
      const pick = () => {
        let best: (typeof members)[number] | undefined;
        for (const member of members) {
          member.current += member.weight;
          if (member.weight > 0 && (!best || member.current > best.current)) best = member;
        }
        if (!best) return undefined;
        best.current -= total;
        return best.balancer.pick();
      };
      return { pick, servers };
    } finally {
      this.building.delete(name);
    }
  }
}

/** The key sessions and balancers share for a server. */
export function addressKey(address: UdpAddress): string {
  return `${address.host}:${address.port}`;
}
