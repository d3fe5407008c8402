/**
 * Static ("install") configuration in Traefik v3's key names, after defaults are applied and v1
 * files are translated. Durations stay as written (`"10s"` or seconds); read them with
 * `parseDuration`.
 */
export type Duration = string | number;

export interface EntryPointConfig {
  address: string;
  asDefault?: boolean;
  transport?: {
    respondingTimeouts?: { readTimeout?: Duration; writeTimeout?: Duration; idleTimeout?: Duration };
    lifeCycle?: { graceTimeOut?: Duration; requestAcceptGraceTimeout?: Duration };
  };
  forwardedHeaders?: { insecure?: boolean; trustedIPs?: string[] };
  /** For `…/udp` addresses: a client's session ends after this long without a datagram (default 3s). */
  udp?: { timeout?: Duration };
  http?: {
    redirections?: { entryPoint?: { to: string; scheme?: string; permanent?: boolean; priority?: number } };
    middlewares?: string[];
    tls?: Record<string, unknown>;
  };
}

/** `certificatesResolvers.<name>.acme` in Traefik's key names. */
export interface AcmeResolverConfig {
  email?: string;
  /**
   * JSON file holding the account and the certificates; `acme.json` unless set. With a static
   * `cluster` section the cluster store holds them instead (the file seeds it once); a
   * `redis://host:port` or `etcd://host:port` value names such a store directly.
   */
  storage?: string;
  caServer?: string;
  /** Hours a certificate is valid for (Traefik: 2160); decides how early it is renewed. */
  certificatesDuration?: number;
  keyType?: string;
  httpChallenge?: { entryPoint: string };
  tlsChallenge?: Record<string, never>;
  dnsChallenge?: Record<string, unknown>;
}

export interface FileProviderConfig {
  filename?: string;
  directory?: string;
  watch?: boolean;
}

export interface DockerProviderConfig {
  endpoint?: string;
  defaultRule?: string;
  exposedByDefault?: boolean;
  network?: string;
  constraints?: string;
  watch?: boolean;
  useBindPortIP?: boolean;
  allowEmptyServices?: boolean;
  labelPrefix?: string;
  /** Set by v1 files: `Host:<name>.<domain>` default rules and v1 label semantics. */
  domain?: string;
  /** v1/v2 `swarmMode`: read services instead of containers. */
  swarmMode?: boolean;
  refreshSeconds?: Duration;
  /** Set by v1 files: container labels are read in the v1 style (`traefik.frontend.rule`, `traefik.port`…). */
  v1?: boolean;
}

/** A KV provider (Traefik's `providers.etcd|redis|zooKeeper`): `endpoints` are `host:port`. */
export interface KvProviderConfig {
  /** Traefik's default for the store (`127.0.0.1:2379`, `:6379`, `:2181`) unless set. */
  endpoints?: string[];
  /** The key prefix the configuration lives under; `traefik` unless set. */
  rootKey?: string;
  username?: string;
  password?: string;
}

export interface RedisProviderConfig extends KvProviderConfig {
  db?: number;
}

/** Portier's single-file store (SQLite), edited with `portier kv put|get|ls|rm`. */
export interface EmbeddedProviderConfig {
  /** Relative to the static configuration file; `portier-kv.db` unless set. */
  filename?: string;
  rootKey?: string;
}

export interface StaticConfig {
  entryPoints: Record<string, EntryPointConfig>;
  providers: {
    providersThrottleDuration?: Duration;
    file?: FileProviderConfig;
    docker?: DockerProviderConfig;
    swarm?: DockerProviderConfig;
    etcd?: KvProviderConfig;
    redis?: RedisProviderConfig;
    zooKeeper?: KvProviderConfig;
    embedded?: EmbeddedProviderConfig;
  };
  api?: { insecure?: boolean; dashboard?: boolean; debug?: boolean };
  ping?: { entryPoint?: string; terminatingStatusCode?: number };
  log?: {
    level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'PANIC';
    format?: 'json' | 'common';
    filePath?: string;
  };
  accessLog?: {
    filePath?: string;
    format?: 'json' | 'common';
    bufferingSize?: number;
    /** A line is written when any filter given matches (Traefik's semantics); all lines without filters. */
    filters?: { statusCodes?: string[]; retryAttempts?: boolean; minDuration?: Duration };
    fields?: {
      defaultMode?: 'keep' | 'drop';
      names?: Record<string, 'keep' | 'drop'>;
      headers?: { defaultMode?: 'keep' | 'drop' | 'redact'; names?: Record<string, 'keep' | 'drop' | 'redact'> };
    };
  };
  metrics?: { prometheus?: { entryPoint?: string; buckets?: number[] } };
  /** `default@internal`: the transport of load balancers that name none. */
  serversTransport?: {
    insecureSkipVerify?: boolean;
    /** CA certificates (file paths or PEM text) that upstream certificates must chain to. */
    rootCAs?: string[];
    maxIdleConnsPerHost?: number;
    forwardingTimeouts?: { dialTimeout?: Duration; responseHeaderTimeout?: Duration; idleConnTimeout?: Duration };
  };
  /** Portier extension: the function runtime (issue "Functions"). */
  functions?: {
    store?: { directory?: string };
    timeout?: Duration;
    memoryLimitMb?: number;
    concurrency?: number;
    idleUnload?: Duration;
    maxBodyBytes?: number;
    env?: Record<string, Record<string, string>>;
  };
  /** Portier extension: API-gateway settings shared by the gateway middlewares. */
  gateway?: {
    consumerHeader?: string;
    /** A TOML/YAML file with `consumers.<name>` entries, kept out of the routing config. */
    secretsFile?: string;
    jwt?: { issuer?: string; algorithm?: 'ES256' | 'EdDSA'; keyRotation?: Duration };
  };
  /** Portier extension: shared state for several instances (rate limits, sessions, functions…). */
  cluster?: { redis?: { endpoint: string }; etcd?: { endpoints: string[] } };
  /** ACME certificate resolvers, referenced by routers' `tls.certResolver`. */
  certificatesResolvers?: Record<string, { acme?: AcmeResolverConfig }>;
  /** Where the static configuration was read from, for resolving relative paths and for errors. */
  source?: { file?: string };
}
