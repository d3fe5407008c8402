import { resolve } from 'node:path';
import type { StaticConfig } from '../../config/static/types.js';
import type { Provider } from '../types.js';
import { createKvProvider, type KvProviderOptions } from './provider.js';
import { redactUrl } from '../../runtime/redact.js';

export { decodeKvPairs } from './decode.js';
export { createKvProvider, type KvProviderOptions } from './provider.js';
export { readKvOnce } from './read-once.js';
export type { KvPair, KvStore, KvWatch, KvWatchListener } from './store.js';

// Each store's client (a native SQLite binding, a ZooKeeper client…) loads only when configured.
export const connectEtcd = async (...args: Parameters<typeof import('./etcd-store.js').connectEtcd>) =>
  (await import('./etcd-store.js')).connectEtcd(...args);
export const connectRedis = async (...args: Parameters<typeof import('./redis-store.js').connectRedis>) =>
  (await import('./redis-store.js')).connectRedis(...args);
export const connectZooKeeper = async (...args: Parameters<typeof import('./zookeeper-store.js').connectZooKeeper>) =>
  (await import('./zookeeper-store.js')).connectZooKeeper(...args);
export const openSqliteStore = async (...args: Parameters<typeof import('./sqlite-store.js').openSqliteStore>) =>
  (await import('./sqlite-store.js')).openSqliteStore(...args);

/** Where `providers.embedded` keeps its file unless `filename` says otherwise. */
export const DEFAULT_EMBEDDED_FILE = 'portier-kv.db';

/** The embedded store's file, relative paths resolved against the static configuration's folder. */
export function embeddedStorePath(config: StaticConfig['providers']['embedded'], baseDir: string): string {
  return resolve(baseDir, config?.filename ?? DEFAULT_EMBEDDED_FILE);
}

/**
 * How to reach each KV store the static configuration names, with Traefik's default endpoints.
 * `zooKeeperConnectTimeoutMs` shortens ZooKeeper's wait for a session (for one-shot reads).
 */
export function kvSources(
  providers: StaticConfig['providers'],
  baseDir: string,
  options: { zooKeeperConnectTimeoutMs?: number } = {},
): KvProviderOptions[] {
  const sources: KvProviderOptions[] = [];
  const { etcd, redis, zooKeeper, embedded } = providers;
  if (etcd) {
    const endpoints = etcd.endpoints ?? ['127.0.0.1:2379'];
    sources.push({
      name: 'etcd',
      rootKey: etcd.rootKey,
      where: `etcd ${endpoints.map(redactUrl).join(',')}`,
      connect: () => connectEtcd({ ...etcd, endpoints }),
    });
  }
  if (redis) {
    const endpoints = redis.endpoints ?? ['127.0.0.1:6379'];
    sources.push({
      name: 'redis',
      rootKey: redis.rootKey,
      where: `redis ${endpoints.map(redactUrl).join(',')}`,
      connect: () => connectRedis({ ...redis, endpoints }),
    });
  }
  if (zooKeeper) {
    const endpoints = zooKeeper.endpoints ?? ['127.0.0.1:2181'];
    sources.push({
      name: 'zookeeper',
      rootKey: zooKeeper.rootKey,
      where: `zookeeper ${endpoints.map(redactUrl).join(',')}`,
      settingKey: 'providers.zooKeeper.endpoints',
      connect: () => connectZooKeeper({ ...zooKeeper, endpoints }, options.zooKeeperConnectTimeoutMs),
    });
  }
  if (embedded) {
    const file = embeddedStorePath(embedded, baseDir);
    sources.push({
      name: 'embedded',
      rootKey: embedded.rootKey,
      where: `embedded ${file}`,
      settingKey: 'providers.embedded.filename',
      connect: () => openSqliteStore(file),
    });
  }
  return sources;
}

/** One provider per KV section of the static configuration. */
export function createKvProviders(providers: StaticConfig['providers'], baseDir: string): Provider[] {
  return kvSources(providers, baseDir).map(createKvProvider);
}
