import type { Kind, Protocol } from './api.js';

/**
 * What tells the protocols' pages apart, so one set of list, detail and search components serves
 * all three: UDP has no middlewares, and its routers have no rule, priority or TLS.
 */
interface ProtocolTraits {
  kinds: readonly Kind[];
  /** Routers are chosen by a rule (and so have a priority and maybe TLS). */
  rules: boolean;
  /** TCP servers may be dialled over TLS. */
  serverTls: boolean;
  /** What one router hands to its service. */
  flow: string;
}

const TRAITS: Record<Protocol, ProtocolTraits> = {
  http: { kinds: ['routers', 'services', 'middlewares'], rules: true, serverTls: false, flow: 'Request flow' },
  tcp: { kinds: ['routers', 'services', 'middlewares'], rules: true, serverTls: true, flow: 'Connection flow' },
  udp: { kinds: ['routers', 'services'], rules: false, serverTls: false, flow: 'Datagram flow' },
};

export const PROTOCOLS: readonly Protocol[] = ['http', 'tcp', 'udp'];

export function traitsOf(protocol: Protocol): ProtocolTraits {
  return TRAITS[protocol];
}

export function kindsOf(protocol: Protocol): readonly Kind[] {
  return TRAITS[protocol].kinds;
}
