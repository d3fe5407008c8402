import { resolve } from 'node:path';
import { EtcdAcmeStore } from '../cluster/etcd-acme-store.js';
import { RedisAcmeStore } from '../cluster/redis-acme-store.js';
import type { AcmeResolverConfig, StaticConfig } from '../config/static/types.js';
import { FileAcmeStore } from './file-store.js';
import type { AcmeStore } from './store.js';

const STORE_URL = /^(rediss?|etcd):\/\/(.+)$/;

/** Where one resolver keeps its state, and the acme.json to import into a shared store once. */
export interface ResolverStore {
  store: AcmeStore;
  importFrom?: string;
}

/**
 * Picks each resolver's store: `storage: redis://host:port` or `etcd://host:port[,host:port]`
 * names one; otherwise the static `cluster` section (Redis first, as for the function store)
 * makes the cluster the store, so a Traefik configuration with `storage: acme.json` shares
 * certificates unchanged (its file is imported once); otherwise the acme.json file.
 * Resolvers naming the same place share one connection.
 */
export class AcmeStores {
  private readonly byLocation = new Map<string, AcmeStore>();

  constructor(
    private readonly config: StaticConfig,
    private readonly baseDir: string,
  ) {}

  for(resolver: AcmeResolverConfig): ResolverStore {
    const storage = resolver.storage ?? 'acme.json';
    const url = STORE_URL.exec(storage);
    if (url) return { store: this.open(storage, () => storeAt(url[1]!, storage, url[2]!)) };
    const cluster = this.config.cluster;
    const file = resolve(this.baseDir, storage);
    if (cluster?.redis) {
      const endpoint = cluster.redis.endpoint;
      return { store: this.open(`redis:${endpoint}`, () => new RedisAcmeStore(endpoint)), importFrom: file };
    }
    if (cluster?.etcd) {
      const endpoints = cluster.etcd.endpoints;
      return { store: this.open(`etcd:${endpoints.join(',')}`, () => new EtcdAcmeStore(endpoints)), importFrom: file };
    }
    return { store: this.open(file, () => new FileAcmeStore(file)) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.byLocation.values()].map((store) => store.close()));
  }

  private open(location: string, create: () => AcmeStore): AcmeStore {
    let store = this.byLocation.get(location);
    if (!store) this.byLocation.set(location, (store = create()));
    return store;
  }
}

function storeAt(scheme: string, url: string, hosts: string): AcmeStore {
  return scheme === 'etcd' ? new EtcdAcmeStore(hosts.split(',')) : new RedisAcmeStore(url);
}
