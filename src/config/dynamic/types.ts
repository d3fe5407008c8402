/**
 * Dynamic ("routing") configuration, in Traefik v3's field names.
 * Plain JSON-shaped data: providers produce it, the schema validates it, the runtime compiles it.
 * Names inside a provider snapshot are bare (`web`); after aggregation they are `name@provider`.
 */

export type RuleSyntax = 'v3' | 'v2' | 'v1';

export interface RouterTlsConfig {
  options?: string;
  certResolver?: string;
  domains?: { main?: string; sans?: string[] }[];
}

export interface RouterConfig {
  rule: string;
  ruleSyntax?: RuleSyntax;
  entryPoints?: string[];
  middlewares?: string[];
  service: string;
  priority?: number;
  tls?: RouterTlsConfig;
}

export interface ServerConfig {
  url: string;
  weight?: number;
}

export interface StickyCookieConfig {
  name?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'none' | 'lax' | 'strict' | '';
  maxAge?: number;
  path?: string;
  domain?: string;
}

export interface HealthCheckConfig {
  path?: string;
  interval?: string;
  unhealthyInterval?: string;
  timeout?: string;
  scheme?: string;
  hostname?: string;
  port?: number;
  method?: string;
  status?: number;
  headers?: Record<string, string>;
  followRedirects?: boolean;
}

export interface LoadBalancerConfig {
  servers: ServerConfig[];
  passHostHeader?: boolean;
  sticky?: { cookie?: StickyCookieConfig };
  healthCheck?: HealthCheckConfig;
  serversTransport?: string;
  responseForwarding?: { flushInterval?: string };
}

export interface WeightedServiceRef {
  name: string;
  weight?: number;
}

export interface WeightedConfig {
  services: WeightedServiceRef[];
  sticky?: { cookie?: StickyCookieConfig };
  healthCheck?: Record<string, never>;
}

export interface MirroringConfig {
  service: string;
  mirrors?: { name: string; percent?: number }[];
  mirrorBody?: boolean;
  maxBodySize?: number;
  healthCheck?: Record<string, never>;
}

export interface FailoverConfig {
  service: string;
  fallback: string;
  healthCheck?: Record<string, never>;
}

/** `forwardingTimeouts` of a serversTransport: durations as written (`"30s"`). */
export interface ForwardingTimeoutsConfig {
  dialTimeout?: string;
  responseHeaderTimeout?: string;
  idleConnTimeout?: string;
  /** HTTP/2 only: ping a connection that received nothing for this long… */
  readIdleTimeout?: string;
  /** …and close it when the ping is not answered within this. */
  pingTimeout?: string;
}

/** `http.serversTransports.<name>`: how Portier connects to the servers of the load balancers naming it. */
export interface ServersTransportConfig {
  /** SNI sent to, and name verified against, the upstream's certificate. */
  serverName?: string;
  insecureSkipVerify?: boolean;
  /** CA certificates (file paths or PEM text) upstream certificates must chain to, instead of the system's. */
  rootCAs?: string[];
  /** Client certificates for upstreams that require one (mutual TLS). */
  certificates?: { certFile: string; keyFile: string }[];
  minVersion?: string;
  maxVersion?: string;
  cipherSuites?: string[];
  /** Idle kept-alive connections per server (Traefik's meaning); < 0: no reuse. */
  maxIdleConnsPerHost?: number;
  disableHTTP2?: boolean;
  /** The URI SAN the upstream certificate must carry (checked instead of its host name). */
  peerCertURI?: string;
  forwardingTimeouts?: ForwardingTimeoutsConfig;
}

/** Exactly one of the members is set. */
export interface ServiceConfig {
  loadBalancer?: LoadBalancerConfig;
  weighted?: WeightedConfig;
  mirroring?: MirroringConfig;
  failover?: FailoverConfig;
}

/** Exactly one key: the middleware type (`stripPrefix`, `basicAuth`, …) mapped to its options. */
export type MiddlewareConfig = Record<string, Record<string, unknown>>;

/**
 * A gateway consumer: a named client with its credentials. Secrets never leave the runtime
 * (the API shows only names and key ids).
 */
export interface ConsumerConfig {
  /** HMAC keys (at most two at once, for rotation): `id` is the `keyid` clients send. */
  hmacKeys?: { id: string; secret?: string; secretBase64?: string }[];
  /** API keys, as `sha256:<hex>` digests or plain text (hashed on load). */
  apiKeys?: string[];
  /** htpasswd lines (`user:hash`) for basicAuth. */
  basicAuth?: string[];
}

export interface HttpConfig {
  routers: Record<string, RouterConfig>;
  services: Record<string, ServiceConfig>;
  middlewares: Record<string, MiddlewareConfig>;
  /** Portier extension: gateway consumers, named like every other object. */
  consumers?: Record<string, ConsumerConfig>;
  serversTransports?: Record<string, ServersTransportConfig>;
}

/** A certificate and its key: a file path or the PEM text itself (Traefik accepts both). */
export interface TlsCertificateConfig {
  certFile: string;
  keyFile: string;
  stores?: string[];
}

export type TlsClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

/** `tls.options.<name>`: Go's names (`VersionTLS12`, `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`). */
export interface TlsOptionsConfig {
  minVersion?: string;
  maxVersion?: string;
  cipherSuites?: string[];
  curvePreferences?: string[];
  alpnProtocols?: string[];
  sniStrict?: boolean;
  clientAuth?: { caFiles?: string[]; clientAuthType?: TlsClientAuthType };
}

export interface TlsConfig {
  certificates?: TlsCertificateConfig[];
  options?: Record<string, TlsOptionsConfig>;
  stores?: Record<string, { defaultCertificate?: { certFile: string; keyFile: string } }>;
}

/** `tcp.routers.<n>`: `HostSNI(...)` rules; `tls.passthrough` hands the TLS stream on untouched. */
export interface TcpRouterConfig {
  rule: string;
  ruleSyntax?: string;
  entryPoints?: string[];
  /** `tcp.middlewares` names (ipAllowList, inFlightConn), applied in order when a connection arrives. */
  middlewares?: string[];
  service: string;
  priority?: number;
  tls?: {
    passthrough?: boolean;
    options?: string;
    certResolver?: string;
    domains?: { main?: string; sans?: string[] }[];
  };
}

export interface TcpServerConfig {
  address: string;
  /** Dial the server over TLS, verified against the system's CAs. */
  tls?: boolean;
}

export interface TcpServiceConfig {
  loadBalancer?: { servers: TcpServerConfig[]; terminationDelay?: number };
  /** Connections shared between other TCP services in proportion to their weights. */
  weighted?: { services: { name: string; weight?: number }[] };
}

/** The TCP middlewares Traefik v3 has; exactly one key per middleware. */
export interface TcpMiddlewareConfig {
  ipAllowList?: { sourceRange: string[] };
  /** Traefik v2's name for ipAllowList. */
  ipWhiteList?: { sourceRange: string[] };
  /** At most `amount` simultaneous connections per client IP. */
  inFlightConn?: { amount: number };
}

export interface TcpConfig {
  routers?: Record<string, TcpRouterConfig>;
  services?: Record<string, TcpServiceConfig>;
  middlewares?: Record<string, TcpMiddlewareConfig>;
}

/** `udp.routers.<n>`: no rule (a datagram has nothing to match); the entry point decides. */
export interface UdpRouterConfig {
  entryPoints?: string[];
  service: string;
}

/** Exactly one member: servers taken in turn per new session, or other UDP services by weight. */
export interface UdpServiceConfig {
  loadBalancer?: { servers: { address: string }[] };
  weighted?: { services: { name: string; weight?: number }[] };
}

export interface UdpConfig {
  routers?: Record<string, UdpRouterConfig>;
  services?: Record<string, UdpServiceConfig>;
}

export interface DynamicConfig {
  http: HttpConfig;
  /** Raw TCP routing by SNI (names qualified like the HTTP objects). */
  tcp?: TcpConfig;
  /** UDP routers and services (names qualified like the HTTP objects). */
  udp?: UdpConfig;
  /** Certificates, TLS options and stores (names of options are qualified like other objects). */
  tls?: TlsConfig;
}

export function emptyDynamicConfig(): DynamicConfig {
  return { http: { routers: {}, services: {}, middlewares: {} } };
}
