import { createClient } from 'redis';
import { logger } from '../observability/logger.js';
import { redactUrl } from '../runtime/redact.js';

/**
 * A client for `cluster.redis.endpoint` (`host:port` or a `redis://` URL) that reconnects with
 * backoff, so a Redis restart heals without restarting Portier.
 */
export function clusterRedisClient(endpoint: string) {
  return createClient({
    url: endpoint.includes('://') ? endpoint : `redis://${endpoint}`,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
}

export type ClusterRedisClient = ReturnType<typeof clusterRedisClient>;

export interface RedisPubSub {
  /** The endpoint without its password, for log lines. */
  readonly where: string;
  readonly client: ClusterRedisClient;
  /** Resolves once both connections are up and the channel is subscribed to. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface RedisChannelListener {
  message(text: string): void;
  /** The subscriber reconnected: messages sent while it was away were missed, so read again. */
  resumed(): void;
}

/**
 * A command connection plus a subscriber to `channel`, as every cluster store uses them: an outage
 * is logged once (without the endpoint's password), and start-up does not fail because Redis is
 * late; calls wait for (or fail with) the connection.
 */
export function clusterRedisPubSub(
  endpoint: string,
  channel: string,
  listener: RedisChannelListener,
  what: string,
): RedisPubSub {
  const where = `redis ${redactUrl(endpoint)}`;
  const client = clusterRedisClient(endpoint);
  const subscriber = client.duplicate();
  let down = false;
  for (const connection of [client, subscriber]) {
    connection.on('error', (error: Error) => {
      if (!down) logger.warn({ store: where, err: error.message }, `${what} unavailable`);
      down = true;
    });
    connection.on('ready', () => (down = false));
  }
  let subscribed = false;
  subscriber.on('ready', () => {
    if (subscribed) listener.resumed();
  });
  const ready = Promise.all([client.connect(), subscriber.connect()]).then(async () => {
    await subscriber.subscribe(channel, (message) => listener.message(message));
    subscribed = true;
  });
  ready.catch(() => undefined);
  return {
    where,
    client,
    ready,
    close: async () => {
      for (const connection of [subscriber, client]) {
        if (connection.isReady) await connection.close();
        else if (connection.isOpen) connection.destroy();
      }
    },
  };
}
