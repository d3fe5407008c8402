import { Pool } from 'undici';
import { parseDuration } from '../../config/duration.js';
import { ConfigError } from '../../config/errors.js';
import type { StaticConfig } from '../../config/static/types.js';

type ServersTransportConfig = NonNullable<StaticConfig['serversTransport']>;

interface PoolOptions {
  connectTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  connections: number;
  /** `maxIdleConnsPerHost < 0` in Traefik: no connection is reused. */
  reuse: boolean;
}

/** One upstream server, with everything a request needs precomputed when the config is built. */
export interface UpstreamServer {
  /** The URL as configured, for logs, the API and sticky cookies. */
  readonly url: string;
  /** `scheme://host:port`: the key of its connection pool. */
  readonly origin: string;
  /** Path prefix of the server URL, without a trailing slash ('' for none). */
  readonly basePath: string;
  /** The Host header to send when `passHostHeader` is false. */
  readonly host: string;
  readonly hostname: string;
  readonly port: number;
  readonly secure: boolean;
  readonly upstreams: Upstreams;
}

/** Parses a server URL; `key` names the setting in the error. */
export function parseServerUrl(url: string, key: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`"${url}" is not a URL; write it like "http://10.0.0.5:8080"`, key);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`"${url}" must start with http:// or https://`, key);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError(`"${url}" must not contain a query, fragment or credentials`, key);
  }
  return parsed;
}

/** The connection pool key of a server URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The connection pools to upstream servers, one undici Pool per origin, kept alive across
 * configuration reloads so that a reload never drops warm connections.
 */
export class Upstreams {
  private readonly pools = new Map<string, Pool>();
  private readonly options: PoolOptions;

  constructor(config: ServersTransportConfig = {}) {
    const timeouts = config.forwardingTimeouts ?? {};
    const key = 'serversTransport.forwardingTimeouts';
    const maxIdle = config.maxIdleConnsPerHost ?? 200;
    this.options = {
      connectTimeout: parseDuration(timeouts.dialTimeout ?? '30s', `${key}.dialTimeout`),
      headersTimeout: parseDuration(timeouts.responseHeaderTimeout ?? 0, `${key}.responseHeaderTimeout`),
      keepAliveTimeout: parseDuration(timeouts.idleConnTimeout ?? '90s', `${key}.idleConnTimeout`),
      connections: maxIdle > 0 ? maxIdle : 200,
      reuse: maxIdle >= 0,
    };
  }

  /** Whether requests must ask for the connection to be closed afterwards. */
  get reuseConnections(): boolean {
    return this.options.reuse;
  }

  get connectTimeout(): number {
    return this.options.connectTimeout;
  }

  /** Prepares a server for `forward`. `key` names the setting in a ConfigError. */
  server(url: string, key: string): UpstreamServer {
    const parsed = parseServerUrl(url, key);
    const secure = parsed.protocol === 'https:';
    const basePath = parsed.pathname.replace(/\/+$/, '');
    return {
      url,
      origin: parsed.origin,
      basePath,
      host: parsed.host,
      hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: Number(parsed.port) || (secure ? 443 : 80),
      secure,
      upstreams: this,
    };
  }

  pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const { connectTimeout, headersTimeout, keepAliveTimeout, connections } = this.options;
      pool = new Pool(origin, {
        connections,
        connect: { timeout: connectTimeout },
        headersTimeout,
        // Traefik has no body timeout: long polls and streams may stay quiet for as long as they like.
        bodyTimeout: 0,
        keepAliveTimeout,
        keepAliveMaxTimeout: Math.max(keepAliveTimeout, 1),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes the pools of origins no longer in the configuration; requests in flight finish first. */
  retainOnly(origins: ReadonlySet<string>): void {
    for (const [origin, pool] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
