import type {
  RouterConfig,
  ServiceConfig,
  TcpRouterConfig,
  TcpServiceConfig,
  UdpRouterConfig,
  UdpServiceConfig,
} from '../config/dynamic/types.js';
import type { ProviderIssue } from '../providers/types.js';
import type { ServerState, ServerStatusEvent } from '../services/types.js';

/**
 * The runtime as the API and dashboard see it, in Traefik v3's API shapes: each object is its
 * configuration plus `name`, `provider`, `status`, `error`, and `using`/`usedBy`.
 * Secrets never appear here: middleware options are redacted before they reach the view.
 */
export type ObjectStatus = 'enabled' | 'disabled' | 'warning';

interface ObjectView {
  name: string;
  provider: string;
  status: ObjectStatus;
  error?: string[];
}

export type RouterView = RouterConfig &
  ObjectView & {
    /** Entry points the router is attached to. */
    using: string[];
    priority: number;
  };

export type ServiceView = ServiceConfig &
  ObjectView & {
    type: 'loadbalancer' | 'weighted' | 'mirroring' | 'failover' | 'internal';
    usedBy: string[];
    serverStatus?: Record<string, ServerState>;
  };

/** `{ "<type>": { options… } }` plus the status fields, as Traefik's API shows a middleware. */
export interface MiddlewareView extends ObjectView {
  type: string;
  usedBy: string[];
  [middlewareType: string]: unknown;
}

export type TcpRouterView = TcpRouterConfig &
  ObjectView & {
    /** Entry points the router is attached to. */
    using: string[];
    priority: number;
  };

export type TcpServiceView = TcpServiceConfig & ObjectView & { type: 'loadbalancer' | 'weighted'; usedBy: string[] };

/** `{ "<type>": { options… } }` plus the status fields, as for HTTP middlewares. */
export interface TcpMiddlewareView extends ObjectView {
  type: string;
  usedBy: string[];
  [middlewareType: string]: unknown;
}

/** TCP routers, services and middlewares, as `/api/tcp/*` shows them. */
export interface TcpView {
  routers: Record<string, TcpRouterView>;
  services: Record<string, TcpServiceView>;
  middlewares: Record<string, TcpMiddlewareView>;
}

export type UdpRouterView = UdpRouterConfig &
  ObjectView & {
    /** Entry points the router serves (each UDP entry point has at most one router). */
    using: string[];
  };

export type UdpServiceView = UdpServiceConfig & ObjectView & { type: 'loadbalancer' | 'weighted'; usedBy: string[] };

/** UDP routers and services, as `/api/udp/*` shows them. */
export interface UdpView {
  routers: Record<string, UdpRouterView>;
  services: Record<string, UdpServiceView>;
}

export interface EntryPointView {
  name: string;
  address: string;
}

export interface ProviderView {
  name: string;
  state: 'starting' | 'ok' | 'error';
  lastUpdate?: string;
  issues: ProviderIssue[];
}

export interface RuntimeView {
  /** Increases with every configuration applied. */
  generation: number;
  updatedAt: string;
  entryPoints: Record<string, EntryPointView>;
  routers: Record<string, RouterView>;
  services: Record<string, ServiceView>;
  middlewares: Record<string, MiddlewareView>;
  providers: Record<string, ProviderView>;
  /** TCP routers, services and middlewares; absent until the first configuration is applied. */
  tcp?: TcpView;
  /** UDP routers and services; absent until the first configuration is applied. */
  udp?: UdpView;
  /** Certificates served (files, ACME, the default), for `/api/certificates`. */
  certificates?: CertificateView[];
}

export interface CertificateView {
  /** The certFile as written, or `inline` (PEM in the configuration, ACME). */
  source: string;
  domains: string[];
  /** ISO date the certificate expires. */
  notAfter: string;
  isDefault: boolean;
}

/** Live events for `/api/events` and the dashboard. */
export type RuntimeEvent = { type: 'config'; generation: number } | ({ type: 'server' } & ServerStatusEvent);
