/**
 * Shared state for several Portier instances (the static `cluster` section). Redis or etcd holds
 * the functions and their deploy announcements, the gateway's rate limits, sessions, nonces
 * and signing keys (src/gateway/cluster-store.ts), and ACME accounts, certificates, order locks
 * and challenge answers (src/acme/stores.ts); Portier grows no cluster protocol of its own.
 */
import type { StaticConfig } from '../config/static/types.js';
import type { FunctionStore } from '../functions/store/types.js';
import { EtcdFunctionStore } from './etcd-function-store.js';
import { RedisFunctionStore } from './redis-function-store.js';

export { EtcdFunctionStore, RedisFunctionStore };

/**
 * The function store `cluster` asks for (Redis when both are set, as for the gateway's state), or
 * undefined for the single-node default (a directory).
 */
export function clusterFunctionStore(cluster: StaticConfig['cluster']): FunctionStore | undefined {
  if (cluster?.redis) return new RedisFunctionStore(cluster.redis.endpoint);
  if (cluster?.etcd) return new EtcdFunctionStore(cluster.etcd.endpoints);
  return undefined;
}
