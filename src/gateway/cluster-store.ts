import { EtcdConnection } from '../cluster/etcd-connection.js';
import type { SharedKv } from '../cluster/shared-kv.js';
import { StoreUnavailable } from '../cluster/store-unavailable.js';
import type { StaticConfig } from '../config/static/types.js';
import { closeGatewayRedis, gatewayRedisConfigured, redisSharedKv, useGatewayRedis } from './redis.js';

/**
 * The static `cluster` store the gateway shares its state through (rate limits, sessions, nonces,
 * signing keys): Redis when set (it wins when both are, as for functions), else etcd, else none
 * and every process keeps its own.
 */
let etcd: EtcdConnection | undefined;
let etcdEndpoints: string | undefined;

export function useGatewayCluster(cluster: StaticConfig['cluster']): void {
  const redis = cluster?.redis?.endpoint;
  useGatewayRedis(redis);
  const endpoints = redis ? undefined : cluster?.etcd?.endpoints;
  if (endpoints?.join(',') === etcdEndpoints) return;
  void etcd?.close();
  etcdEndpoints = endpoints?.join(',');
  etcd = endpoints ? new EtcdConnection(endpoints) : undefined;
}

export function gatewayClusterStore(): 'redis' | 'etcd' | undefined {
  if (gatewayRedisConfigured()) return 'redis';
  return etcd ? 'etcd' : undefined;
}

/** The cluster etcd (see EtcdConnection); rejects like an outage when none is configured. */
export function gatewayEtcd(): EtcdConnection {
  if (!etcd) throw new StoreUnavailable('no cluster.etcd endpoints are configured');
  return etcd;
}

/** The cluster store as a key-value store, or undefined when this process keeps its own state. */
export function gatewaySharedKv(): SharedKv | undefined {
  return gatewayRedisConfigured() ? redisSharedKv : etcd;
}

export async function closeGatewayCluster(): Promise<void> {
  await Promise.all([closeGatewayRedis(), etcd?.close()]);
}
