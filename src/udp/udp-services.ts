import type { UdpServiceConfig } from '../config/dynamic/types.js';
import { closestKey } from '../config/did-you-mean.js';
import { ConfigError } from '../config/errors.js';
import { OnDemandBuilder } from '../services/on-demand-builder.js';
import { smoothWeightedRoundRobin } from '../services/smooth-weighted-round-robin.js';
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
export class UdpServiceBuilder extends OnDemandBuilder<UdpBalancer> {
  constructor(private readonly services: Record<string, UdpServiceConfig>) {
    super();
  }

  protected build(name: string): UdpBalancer {
    const config = this.services[name];
    if (!config) {
      const guess = closestKey(name, Object.keys(this.services));
      throw new ConfigError(`the UDP service "${name}" does not exist${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
    const key = `udp.services.${name}`;
    if (config.weighted) {
      const members = this.resolveMembers(name, config.weighted.services, `${key}.weighted.services`);
      const next = smoothWeightedRoundRobin(members);
      const servers = new Set(members.filter((m) => m.weight > 0).flatMap((m) => [...m.item.servers]));
      return { pick: () => next()?.pick(), servers };
    }
    const servers = (config.loadBalancer?.servers ?? []).map((server, i) =>
      parseAddress(server.address, `${key}.loadBalancer.servers[${i}].address`),
    );
    let turn = 0;
    return {
      pick: () => (servers.length ? servers[turn++ % servers.length] : undefined),
      servers: new Set(servers.map(addressKey)),
    };
  }
}

/** The key sessions and balancers share for a server. */
export function addressKey(address: UdpAddress): string {
  return `${address.host}:${address.port}`;
}
