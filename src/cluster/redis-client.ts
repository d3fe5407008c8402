import { createClient } from 'redis';

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
