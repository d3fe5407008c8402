/** One key and its value, as a KV store holds them (keys are `/`-separated paths). */
export interface KvPair {
  key: string;
  value: string;
}

/** What a watch tells the provider loop: something under the prefix changed, or the link is gone. */
export interface KvWatchListener {
  /** `keys` are the keys that changed, when the store says (etcd, Redis); otherwise absent. */
  changed(keys?: string[]): void;
  lost(error: Error): void;
}

export interface KvWatch {
  close(): void;
}

/**
 * The small surface every KV backend (etcd, Redis, ZooKeeper, SQLite) implements, so that one
 * provider loop and one CLI serve them all. A store is one connection: when it is lost, the
 * loop closes it and connects a new one.
 */
export interface KvStore {
  /** `etcd http://127.0.0.1:2379`: where the configuration is read, for issues and logs. */
  readonly where: string;
  /** Every pair whose key starts with `prefix`. */
  list(prefix: string): Promise<KvPair[]>;
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Deletes `key`, or every key starting with it when `prefix` is set; resolves to how many. */
  delete(key: string, options?: { prefix?: boolean }): Promise<number>;
  /** Resolves once changes under `prefix` are being watched (so a list right after misses none). */
  watch(prefix: string, listener: KvWatchListener): Promise<KvWatch>;
  close(): Promise<void>;
}
