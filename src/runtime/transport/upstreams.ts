import type { ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import { ConfigError } from '../../config/errors.js';
import { logger } from '../../observability/logger.js';
import { trackPoolConnections, type ConnectionTracker } from './connection-tracking.js';
import { FileStamps } from './file-stamps.js';
import { Http2Sessions } from './http2-sessions.js';
import { OriginPool } from './origin-pool.js';
import {
  transportFiles,
  transportOptions,
  type TransportOptions,
  type TransportSettings,
} from './transport-options.js';

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
  /**
   * The TLS server name of every request to this server, as Traefik does: the transport's
   * `serverName`, else the server's host, never the client's Host header. An IP address is sent
   * as no SNI at all (see `withoutIpServername`).
   */
  readonly servername: string;
  /** The transport the server is reached through. */
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
 * One serversTransport: its connection pools, one per origin, and HTTP/2 sessions. The service
 * layer keeps it across configuration reloads while its settings stay the same, so that a reload
 * never drops warm connections; its CA and client certificate files are read again when they
 * change on disk (`reloadChangedFiles`).
 */
export class Upstreams {
  private readonly pools = new Map<string, OriginPool>();
  /** TLS options per server host name, made once: HTTP/2 requests ask for them each time. */
  private readonly tlsByHost = new Map<string, ConnectionOptions>();
  private current: TransportOptions;
  private files: FileStamps;
  private readonly http2Sessions: Http2Sessions;

  /**
   * `key` names the transport in a ConfigError; relative certificate paths start at `baseDir`;
   * `connectionTracker`, when given, is told of every upstream connection opened and closed.
   */
  constructor(
    private readonly settings: TransportSettings = {},
    private readonly key = 'serversTransport',
    private readonly baseDir = process.cwd(),
    readonly connectionTracker?: ConnectionTracker,
  ) {
    // Stamped before reading: a file replaced meanwhile is read again at the next check.
    this.files = new FileStamps(transportFiles(settings, baseDir));
    this.current = transportOptions(settings, key, baseDir);
    this.http2Sessions = new Http2Sessions(this.current, connectionTracker);
  }

  get options(): TransportOptions {
    return this.current;
  }

  get connectTimeout(): number {
    return this.current.connectTimeout;
  }

  /**
   * Reads the CA and client certificate files again if one changed since they were read, so that a
   * rotated certificate is used without a configuration change. New TLS connections get the new
   * files; the TLS pools and sessions of the old ones close once their requests finish. Files that
   * cannot be read (a rotation half done) leave the previous ones in use, with an error logged.
   */
  reloadChangedFiles(): void {
    if (!this.files.changed()) return;
    this.files = new FileStamps(transportFiles(this.settings, this.baseDir));
    try {
      this.current = transportOptions(this.settings, this.key, this.baseDir);
    } catch (error) {
      const text = error instanceof ConfigError ? error.describe() : (error as Error).message;
      logger.error(`${text}; connections keep the certificates read before`);
      return;
    }
    logger.info({ transport: this.key }, 'transport certificate files changed; new connections use them');
    const plain = [...this.pools.keys(), ...this.http2Sessions.origins()].filter(
      (origin) => !origin.startsWith('https:'),
    );
    this.retainOnly(new Set(plain));
    this.tlsByHost.clear();
  }

  /** Prepares a server for `forward`. `key` names the setting in a ConfigError. */
  server(url: string, key: string): UpstreamServer {
    const parsed = parseServerUrl(url, key);
    const secure = parsed.protocol === 'https:';
    const h2c = parsed.protocol === 'h2c:';
    const basePath = parsed.pathname.replace(/\/+$/, '');
    const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
    return {
      url,
      origin: originOf(url),
      basePath,
      host: parsed.host,
      hostname,
      port: Number(parsed.port) || (secure ? 443 : 80),
      secure,
      h2c,
      servername: this.current.tls.servername ?? hostname,
      upstreams: this,
    };
  }

  pool(origin: string): OriginPool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const { connectTimeout, headersTimeout, keepAliveTimeout, maxIdle } = this.current;
      const dispatcher = new Pool(origin, {
        // Concurrency is not capped, as in Traefik; OriginPool caps the idle connections.
        connections: null,
        connect: withoutIpServername(
          buildConnector({ timeout: connectTimeout, ...this.tlsTo(originHostname(origin)) }),
        ),
        headersTimeout,
        // Traefik has no body timeout: long polls and streams may stay quiet for as long as they like.
        bodyTimeout: 0,
        keepAliveTimeout,
        keepAliveMaxTimeout: Math.max(keepAliveTimeout, 1),
      });
      if (this.connectionTracker) trackPoolConnections(dispatcher, origin, this.connectionTracker);
      pool = new OriginPool(dispatcher, maxIdle);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** The HTTP/2 session to a server (h2c, or h2 over TLS for gRPC to `https://`). */
  http2Session(server: UpstreamServer): ClientHttp2Session {
    return this.http2Sessions.get(server.origin, http2Authority(server), this.tlsTo(server.hostname));
  }

  /** TLS options for a connection of its own to `server` (upgrades). */
  tlsOptions(server: UpstreamServer): ConnectionOptions {
    const servername = isIP(server.servername) ? undefined : server.servername;
    return { ...this.tlsTo(server.hostname), servername };
  }

  /**
   * The certificate is checked against the server's own name (or `serverName`), like Go's
   * transport does, whatever SNI the request ends up sending.
   */
  private tlsTo(hostname: string): ConnectionOptions {
    let options = this.tlsByHost.get(hostname);
    if (!options) {
      const { tls } = this.current;
      const expected = tls.servername ?? hostname;
      options = tls.checkServerIdentity
        ? tls
        : { ...tls, checkServerIdentity: (_name, cert) => checkServerIdentity(expected, cert) };
      this.tlsByHost.set(hostname, options);
    }
    return options;
  }

  /** Closes the pools of origins no longer in the configuration; requests in flight finish first. */
  retainOnly(origins: ReadonlySet<string>): void {
    this.http2Sessions.retainOnly(origins);
    const hosts = new Set([...origins].map(originHostname));
    for (const host of this.tlsByHost.keys()) if (!hosts.has(host)) this.tlsByHost.delete(host);
    for (const [origin, pool] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.dispatcher.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.http2Sessions.close();
    await Promise.all(pools.map((pool) => pool.dispatcher.destroy().catch(() => undefined)));
  }
}

/**
 * undici takes the SNI from each request (from its Host header unless given) and reconnects when
 * it changes, so every request names its server's host, a constant; an IP address must not be sent
 * as SNI (RFC 6066), so the connector leaves it out.
 */
function withoutIpServername(connector: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const servername = options.servername && isIP(options.servername) ? undefined : options.servername;
    connector({ ...options, servername }, callback);
  };
}

function originHostname(origin: string): string {
  return new URL(origin.replace(/^h2c:/, 'http:')).hostname.replace(/^\[|\]$/g, '');
}

function http2Authority(server: UpstreamServer): string {
  const host = server.hostname.includes(':') ? `[${server.hostname}]` : server.hostname;
  return `${server.secure ? 'https' : 'http'}://${host}:${server.port}`;
}
