import { resolve } from 'node:path';
import type { StaticConfig } from '../../config/static/types.js';
import type { Provider } from '../types.js';
import { createKvProvider } from './provider.js';

export { decodeKvPairs } from './decode.js';
export { createKvProvider, type KvProviderOptions } from './provider.js';
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

/** One provider per KV section of the static configuration, with Traefik's default endpoints. */
export function createKvProviders(providers: StaticConfig['providers'], baseDir: string): Provider[] {
  const created: Provider[] = [];
  const { etcd, redis, zooKeeper, embedded } = providers;
  if (etcd) {
    const endpoints = etcd.endpoints ?? ['127.0.0.1:2379'];
    created.push(
      createKvProvider({
        name: 'etcd',
        rootKey: etcd.rootKey,
        where: `etcd ${endpoints.join(',')}`,
        connect: () => connectEtcd({ ...etcd, endpoints }),
      }),
    );
  }
  if (redis) {
    const endpoints = redis.endpoints ?? ['127.0.0.1:6379'];
    created.push(
      createKvProvider({
        name: 'redis',
        rootKey: redis.rootKey,
        where: `redis ${endpoints.join(',')}`,
        connect: () => connectRedis({ ...redis, endpoints }),
      }),
    );
  }
  if (zooKeeper) {
    const endpoints = zooKeeper.endpoints ?? ['127.0.0.1:2181'];
    created.push(
      createKvProvider({
        name: 'zookeeper',
        rootKey: zooKeeper.rootKey,
        where: `zookeeper ${endpoints.join(',')}`,
        connect: () => connectZooKeeper({ ...zooKeeper, endpoints }),
      }),
    );
  }
  if (embedded) {
    const file = embeddedStorePath(embedded, baseDir);
    created.push(
      createKvProvider({
        name: 'embedded',
        rootKey: embedded.rootKey,
        where: `embedded ${file}`,
        connect: () => openSqliteStore(file),
      }),
    );
  }
  return created;
}
