import type { Kind, ObjectSet, Protocol, Runtime } from './api.js';

/**
 * What tells the protocols' pages apart, so one set of list, detail and search components serves
 * all three: UDP has no middlewares, and its routers have no rule, priority or TLS.
 */
interface ProtocolTraits {
  kinds: readonly Kind[];
  /** Routers are chosen by a rule (and so have a priority and maybe TLS). */
  rules: boolean;
  /** Services carry requests: servers are URLs with a weight, UP/DOWN health and live request counters. */
  requests: boolean;
  /** TCP servers may be dialled over TLS. */
  serverTls: boolean;
  /**
   * The objects say their protocol ("TCP routers", `#/tcp/routers`) and share one nav entry with a
   * tab per kind; HTTP's stay unmarked, with a nav entry per kind, as before TCP existed.
   */
  marked: boolean;
  /** What one router hands to its service. */
  flow: string;
  /** Where the runtime keeps this protocol's routers, services and middlewares. */
  objects(runtime: Runtime): ObjectSet;
}

const NO_MIDDLEWARES: ObjectSet['middlewares'] = [];

const TRAITS: Record<Protocol, ProtocolTraits> = {
  http: {
    kinds: ['routers', 'services', 'middlewares'],
    rules: true,
    requests: true,
    serverTls: false,
    marked: false,
    flow: 'Request flow',
    objects: (runtime) => runtime,
  },
  tcp: {
    kinds: ['routers', 'services', 'middlewares'],
    rules: true,
    requests: false,
    serverTls: true,
    marked: true,
    flow: 'Connection flow',
    objects: (runtime) => runtime.tcp,
  },
  udp: {
    kinds: ['routers', 'services'],
    rules: false,
    requests: false,
    serverTls: false,
    marked: true,
    flow: 'Datagram flow',
    objects: (runtime) => ({ ...runtime.udp, middlewares: NO_MIDDLEWARES }),
  },
};

export const PROTOCOLS: readonly Protocol[] = ['http', 'tcp', 'udp'];

export function traitsOf(protocol: Protocol): ProtocolTraits {
  return TRAITS[protocol];
}

export function kindsOf(protocol: Protocol): readonly Kind[] {
  return TRAITS[protocol].kinds;
}
