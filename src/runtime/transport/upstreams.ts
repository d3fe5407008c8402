import type { ClientHttp2Session } from 'node:http2';
import { Pool } from 'undici';
import { parseDuration } from '../../config/duration.js';
import { ConfigError } from '../../config/errors.js';
import type { StaticConfig } from '../../config/static/types.js';
import { Http2Sessions } from './http2-sessions.js';

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
  /** `h2c://`: HTTP/2 without TLS, for every request. */
  readonly h2c: boolean;
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
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:' && parsed.protocol !== 'h2c:') {
    throw new ConfigError(`"${url}" must start with http://, https:// or h2c://`, key);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError(`"${url}" must not contain a query, fragment or credentials`, key);
  }
  return parsed;
}

/** The connection pool key of a server URL. */
export function originOf(url: string): string {
  const parsed = new URL(url);
  // Non-special schemes have no origin in WHATWG URLs ("null").
  return parsed.protocol === 'h2c:' ? `h2c://${parsed.host}` : parsed.origin;
}

/**
 * The connection pools to upstream servers, one undici Pool per origin, kept alive across
 * configuration reloads so that a reload never drops warm connections.
 */
export class Upstreams {
  private readonly pools = new Map<string, Pool>();
  private readonly options: PoolOptions;
  private readonly http2Sessions: Http2Sessions;

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
    this.http2Sessions = new Http2Sessions(this.options.connectTimeout);
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
    const h2c = parsed.protocol === 'h2c:';
    const basePath = parsed.pathname.replace(/\/+$/, '');
    return {
      url,
      origin: originOf(url),
      basePath,
      host: parsed.host,
      hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: Number(parsed.port) || (secure ? 443 : 80),
      secure,
      h2c,
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

  /** The HTTP/2 session to a server (h2c, or h2 over TLS for gRPC to `https://`). */
  http2Session(server: UpstreamServer): ClientHttp2Session {
    return this.http2Sessions.get(server.origin, http2Authority(server));
  }

  /** Closes the pools of origins no longer in the configuration; requests in flight finish first. */
  retainOnly(origins: ReadonlySet<string>): void {
    this.http2Sessions.retainOnly(origins);
    for (const [origin, pool] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.http2Sessions.close();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}

function http2Authority(server: UpstreamServer): string {
  const host = server.hostname.includes(':') ? `[${server.hostname}]` : server.hostname;
  return `${server.secure ? 'https' : 'http'}://${host}:${server.port}`;
}
