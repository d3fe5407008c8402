import { createClient } from 'redis';
import type { KvPair, KvStore, KvWatch, KvWatchListener } from './store.js';

type RedisClient = ReturnType<typeof newClient>;

/** Without keyspace notifications (a managed Redis that forbids CONFIG), the prefix is re-read this often. */
const POLL_MS = 100;

export interface RedisOptions {
  /** `host:port` or `redis://` URLs; the first that answers is used. */
  endpoints: string[];
  db?: number;
  username?: string;
  password?: string;
}

/**
 * Redis as a KV store: one string key per configuration key. Changes are noticed through
 * keyspace notifications (switched on with CONFIG SET if they are off), or by polling when the
 * server does not allow that.
 */
export async function connectRedis(options: RedisOptions): Promise<KvStore> {
  const errors: string[] = [];
  for (const endpoint of options.endpoints) {
    const url = endpoint.includes('://') ? endpoint : `redis://${endpoint}`;
    const client = newClient(url, options);
    client.on('error', () => undefined);
    try {
      await client.connect();
      return new RedisStore(client, url, options.db ?? 0);
    } catch (error) {
      client.destroy();
      errors.push(`${url}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no Redis endpoint answered (${errors.join('; ')})`);
}

function newClient(url: string, options: RedisOptions) {
  return createClient({
    url,
    database: options.db,
    username: options.username,
    password: options.password,
    disableOfflineQueue: true,
    // The provider loop reconnects (and re-lists); a client retrying on its own would hide the outage.
    socket: { connectTimeout: 2000, reconnectStrategy: false },
  });
}

class RedisStore implements KvStore {
  readonly where: string;
  private readonly clients: RedisClient[];

  constructor(
    private readonly client: RedisClient,
    url: string,
    private readonly db: number,
  ) {
    this.where = `redis ${url}`;
    this.clients = [client];
  }

  async list(prefix: string): Promise<KvPair[]> {
    const pairs: KvPair[] = [];
    for await (const keys of this.client.scanIterator({ MATCH: `${globEscape(prefix)}*`, COUNT: 1000 })) {
      if (keys.length === 0) continue;
      const values = await this.client.mGet(keys);
      keys.forEach((key, index) => {
        const value = values[index];
        // Keys of other types (hashes…) under the prefix are not configuration.
        if (typeof value === 'string') pairs.push({ key, value });
      });
    }
    return pairs;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(key)) ?? undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.client.set(key, value);
  }

  async delete(key: string, options: { prefix?: boolean } = {}): Promise<number> {
    if (!options.prefix) return this.client.del(key);
    const keys = (await this.list(key)).map((pair) => pair.key);
    return keys.length === 0 ? 0 : this.client.del(keys);
  }

  async watch(prefix: string, listener: KvWatchListener): Promise<KvWatch> {
    const lost = (error: Error) => listener.lost(error);
    this.client.on('error', lost);
    this.client.on('end', () => lost(new Error('the connection closed')));
    if (!(await this.enableNotifications())) return this.poll(prefix, listener, await this.list(prefix));
    const subscriber = this.client.duplicate();
    this.clients.push(subscriber);
    subscriber.on('error', lost);
    await subscriber.connect();
    await subscriber.pSubscribe(`__keyspace@${this.db}__:${globEscape(prefix)}*`, () => listener.changed());
    return { close: () => subscriber.destroy() };
  }

  async close(): Promise<void> {
    for (const client of this.clients) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      if (client.isOpen) client.destroy();
    }
  }

  /** Adds the K (keyspace) and A (all commands) flags to what the server already notifies. */
  private async enableNotifications(): Promise<boolean> {
    try {
      const current = (await this.client.configGet('notify-keyspace-events'))['notify-keyspace-events'] ?? '';
      if (current.includes('K') && current.includes('A')) return true;
      await this.client.configSet('notify-keyspace-events', `${current.replace(/[KA]/g, '')}KA`);
      return true;
    } catch {
      return false;
    }
  }

  private poll(prefix: string, listener: KvWatchListener, initial: KvPair[]): KvWatch {
    const serialize = (pairs: KvPair[]) => JSON.stringify(pairs.sort((a, b) => a.key.localeCompare(b.key)));
    let previous = serialize(initial);
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.list(prefix)
        .then((pairs) => {
          const current = serialize(pairs);
          if (current !== previous) listener.changed();
          previous = current;
        })
        .catch((error: Error) => listener.lost(error))
        .finally(() => (running = false));
    }, POLL_MS);
    return { close: () => clearInterval(timer) };
  }
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
