import { createClient } from 'redis';
import type { SharedKv } from '../cluster/shared-kv.js';
import { StoreUnavailable } from '../cluster/store-unavailable.js';
import { logger } from '../observability/logger.js';
import { redactUrl } from '../runtime/redact.js';

export { StoreUnavailable };

type RedisClient = ReturnType<typeof createClient>;

export interface RedisSettings {
  /** `host:port` or a `redis://` URL. */
  endpoint: string;
  username?: string;
  password?: string;
  database?: number;
}

/**
 * One lazily opened Redis connection. Commands fail fast while disconnected instead of queueing,
 * so a Redis outage turns into each feature's fail-open/closed decision rather than hung
 * requests; reconnection carries on in the background.
 */
export class RedisConnection {
  private client: RedisClient | undefined;
  private connecting: Promise<RedisClient> | undefined;

  constructor(private readonly settings: RedisSettings) {}

  /** Runs an operation, turning connection and command failures into StoreUnavailable. */
  async run<T>(operation: (redis: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await operation(await this.ready());
    } catch (error) {
      throw new StoreUnavailable(`redis: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const current = this.client;
    this.client = undefined;
    // A client still retrying its connection would wait for Redis in close(): destroy it instead.
    if (current?.isReady) await current.close();
    else if (current?.isOpen) current.destroy();
  }

  private ready(): Promise<RedisClient> {
    if (this.client?.isReady) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<RedisClient> {
    const { endpoint } = this.settings;
    const url = endpoint.includes('://') ? endpoint : `redis://${endpoint}`;
    // The endpoint may carry the password (redis://:secret@host): logs and errors get it redacted.
    const shown = redactUrl(url);
    if (!this.client) {
      const created: RedisClient = createClient({
        url,
        username: this.settings.username,
        password: this.settings.password,
        database: this.settings.database,
        disableOfflineQueue: true,
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
      });
      this.client = created;
      // Reconnection attempts fail repeatedly during an outage: log its start and end only.
      let down = false;
      created.on('error', (error: Error) => {
        if (!down) logger.warn({ endpoint: shown, err: error.message }, 'gateway redis unavailable');
        down = true;
      });
      created.on('ready', () => {
        if (down) logger.info({ endpoint: shown }, 'gateway redis available again');
        down = false;
      });
      // connect() only settles once connected, retrying meanwhile: the first outcome decides.
      const firstOutcome = new Promise<void>((resolve, reject) => {
        const settle = (error?: Error): void => {
          created.off('ready', settle);
          created.off('error', settle);
          if (error) reject(error);
          else resolve();
        };
        created.once('ready', settle);
        created.once('error', settle);
      });
      created.connect().catch(() => undefined);
      await firstOutcome;
    }
    if (!this.client?.isReady) throw new Error(`redis at ${shown} is not reachable`);
    return this.client;
  }
}

/** The static `cluster.redis` connection: nonces, rate limits, sessions and signing keys. */
let cluster: RedisConnection | undefined;
let clusterEndpoint: string | undefined;
/** Connections a middleware configured itself (Traefik's `rateLimit.redis`), shared by settings. */
const dedicated = new Map<string, RedisConnection>();

export function useGatewayRedis(endpoint: string | undefined): void {
  if (endpoint === clusterEndpoint) return;
  void cluster?.close();
  clusterEndpoint = endpoint;
  cluster = endpoint ? new RedisConnection({ endpoint }) : undefined;
}

export function gatewayRedisConfigured(): boolean {
  return cluster !== undefined;
}

/** Runs an operation on the cluster Redis (see RedisConnection.run). */
export function withRedis<T>(operation: (redis: RedisClient) => Promise<T>): Promise<T> {
  if (!cluster) return Promise.reject(new StoreUnavailable('no cluster.redis endpoint is configured'));
  return cluster.run(operation);
}

const expiring = (ttlMs: number | undefined) =>
  ttlMs === undefined ? {} : { expiration: { type: 'PX', value: ttlMs } as const };

/** The cluster Redis as the gateway's shared key-value store (sessions, nonces, signing keys). */
export const redisSharedKv: SharedKv = {
  get: async (key) => (await withRedis((redis) => redis.get(key))) ?? undefined,
  set: async (key, value, ttlMs) => {
    await withRedis((redis) => redis.set(key, value, expiring(ttlMs)));
  },
  setIfAbsent: async (key, value, ttlMs) =>
    (await withRedis((redis) => redis.set(key, value, { condition: 'NX', ...expiring(ttlMs) }))) === 'OK',
};

/** The connection for a middleware's own Redis settings, reused across configuration reloads. */
export function dedicatedRedis(settings: RedisSettings): RedisConnection {
  const key = JSON.stringify(settings);
  let connection = dedicated.get(key);
  if (!connection) {
    connection = new RedisConnection(settings);
    dedicated.set(key, connection);
  }
  return connection;
}

export async function closeGatewayRedis(): Promise<void> {
  const all = [...(cluster ? [cluster] : []), ...dedicated.values()];
  dedicated.clear();
  await Promise.all(all.map((connection) => connection.close()));
}
