import type {
  LoadBalancerConfig,
  MiddlewareConfig,
  RouterConfig,
  TcpMiddlewareConfig,
  TcpRouterConfig,
  TcpServiceConfig,
  UdpRouterConfig,
  UdpServiceConfig,
} from '../../config/dynamic/types.js';

/** What `…loadbalancer.server.*` labels say about the server each container contributes. */
export interface ServerHints {
  port?: number;
  scheme?: string;
  url?: string;
  weight?: number;
  preservePath?: boolean;
}

export interface LabelledService {
  loadBalancer: Omit<LoadBalancerConfig, 'servers'> & { server?: ServerHints };
}

/** `traefik.tcp.services.<name>.*`: `server.port` becomes each container's `address`. */
export interface LabelledTcpService {
  loadBalancer?: Omit<NonNullable<TcpServiceConfig['loadBalancer']>, 'servers'> & {
    server?: { port?: number; tls?: boolean };
  };
  weighted?: TcpServiceConfig['weighted'];
}

export interface LabelledTcp {
  routers: Record<string, Partial<TcpRouterConfig>>;
  services: Record<string, LabelledTcpService>;
  middlewares: Record<string, TcpMiddlewareConfig>;
}

/** `traefik.udp.services.<name>.*`: `server.port` becomes each container's `address`. */
export interface LabelledUdpService {
  loadBalancer?: { server?: { port?: number } };
  weighted?: UdpServiceConfig['weighted'];
}

export interface LabelledUdp {
  routers: Record<string, Partial<UdpRouterConfig>>;
  services: Record<string, LabelledUdpService>;
}

/**
 * The configuration a workload's labels describe, before the provider adds what only it knows
 * (server addresses, default names and rules). Routers may still lack `rule` or `service`.
 */
export interface LabelConfig {
  routers: Record<string, Partial<RouterConfig>>;
  services: Record<string, LabelledService>;
  middlewares: Record<string, MiddlewareConfig>;
  tcp: LabelledTcp;
  /** Set when the workload has `traefik.udp.*` labels. */
  udp?: LabelledUdp;
  enable?: boolean;
  /** `traefik.docker.network` / `traefik.swarm.network`. */
  network?: string;
  /** `traefik.swarm.lbswarm` (or v1 `traefik.backend.loadbalancer.swarm`): route to the service VIP. */
  lbSwarm?: boolean;
  /** `traefik.docker.allownonrunning`: keep the router of a stopped container (503 instead of 404). */
  allowNonRunning?: boolean;
  /** Set when v1 labels were read: `traefik.domain`, the domain of v1's default rule. */
  v1?: { domain?: string };
}

/** A label that cannot be read; any one of them disables the whole workload. */
export interface LabelProblem {
  /** The label as written. */
  label: string;
  message: string;
  /** The closest valid label key, for "did you mean". */
  suggestion?: string;
}

export interface DecodedLabels {
  config: LabelConfig;
  problems: LabelProblem[];
  /** Labels read but not acted on (the TLS-store section, which Portier does not handle yet). */
  unsupported: string[];
}
