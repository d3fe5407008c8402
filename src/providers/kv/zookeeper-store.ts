import zookeeper, { type Client } from 'node-zookeeper-client';
import type { KvPair, KvStore, KvWatch, KvWatchListener } from './store.js';

// ZooKeeper (a JVM) can take seconds to accept sessions after a restart on a loaded machine.
const CONNECT_TIMEOUT_MS = 10_000;

/** The client's internals `close()` reaches into (node-zookeeper-client 1.1.3). */
interface ConnectionInternals {
  connect(): void;
  socket?: { destroy(): void };
}

export interface ZooKeeperOptions {
  /** `host:port` list, joined into one connection string as ZooKeeper clients expect. */
  endpoints: string[];
  username?: string;
  password?: string;
}

/**
 * ZooKeeper as a KV store: `traefik/http/routers/web/rule` is the znode
 * `/traefik/http/routers/web/rule`, its data the value; only leaves carry values. ZooKeeper
 * watches fire once, so every listing sets them again on each node it reads.
 */
export async function connectZooKeeper(
  options: ZooKeeperOptions,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Promise<KvStore> {
  const connection = options.endpoints.join(',');
  const client = zookeeper.createClient(connection, { sessionTimeout: 10_000, spinDelay: 200, retries: 0 });
  await new Promise<void>((connected, failed) => {
    const timer = setTimeout(() => {
      closeClient(client);
      failed(new Error(`ZooKeeper at ${connection} did not answer within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      connected();
    });
    client.connect();
  });
  if (options.username !== undefined) {
    client.addAuthInfo('digest', Buffer.from(`${options.username}:${options.password ?? ''}`));
  }
  return new ZooKeeperStore(client, connection);
}

class ZooKeeperStore implements KvStore {
  readonly where: string;
  private listener: KvWatchListener | undefined;

  constructor(
    private readonly client: Client,
    connection: string,
  ) {
    this.where = `zookeeper ${connection}`;
  }

  async list(prefix: string): Promise<KvPair[]> {
    const pairs: KvPair[] = [];
    const start = znode(prefix);
    // Read the deepest existing ancestor of a prefix that is not a whole path segment.
    const base = prefix.endsWith('/') ? start : start.slice(0, start.lastIndexOf('/')) || '/';
    await this.walk(base, pairs);
    return pairs.filter((pair) => pair.key.startsWith(prefix.replace(/^\/+/, '')));
  }

  async get(key: string): Promise<string | undefined> {
    const data = await this.call<Buffer | undefined>((done) => this.client.getData(znode(key), undefined, done), true);
    return data === null ? undefined : (data?.toString('utf8') ?? '');
  }

  async put(key: string, value: string): Promise<void> {
    const path = znode(key);
    const data = Buffer.from(value, 'utf8');
    await this.call<string>((done) => this.client.mkdirp(path, data, done));
    // mkdirp leaves an existing node's data alone.
    await this.call((done) => this.client.setData(path, data, -1, done));
  }

  async delete(key: string, options: { prefix?: boolean } = {}): Promise<number> {
    if (!options.prefix) return (await this.removeLeaf(znode(key))) ? 1 : 0;
    const pairs = await this.list(key);
    for (const pair of pairs) await this.removeLeaf(znode(pair.key));
    return pairs.length;
  }

  async watch(_prefix: string, listener: KvWatchListener): Promise<KvWatch> {
    this.listener = listener;
    const lost = (what: string) => () => listener.lost(new Error(`the ZooKeeper session was ${what}`));
    const disconnected = lost('disconnected');
    const expired = lost('expired');
    this.client.on('disconnected', disconnected);
    this.client.on('expired', expired);
    return {
      close: () => {
        this.listener = undefined;
        this.client.off('disconnected', disconnected);
        this.client.off('expired', expired);
      },
    };
  }

  async close(): Promise<void> {
    this.listener = undefined;
    closeClient(this.client);
  }

  private readonly watcher = () => this.listener?.changed();

  private async walk(path: string, pairs: KvPair[]): Promise<void> {
    const children = await this.call<string[]>((done) => this.client.getChildren(path, this.watcher, done), true);
    if (children === null) {
      // Not there yet: be told when it is created.
      await this.call((done) => this.client.exists(path, this.watcher, done));
      return;
    }
    if (children.length === 0) {
      const data = await this.call<Buffer | undefined>((done) => this.client.getData(path, this.watcher, done), true);
      // A folder left empty by another client reads as an empty leaf: it holds no value.
      if (data && data.length > 0) pairs.push({ key: path.slice(1), value: data.toString('utf8') });
      return;
    }
    for (const child of children.sort()) await this.walk(path === '/' ? `/${child}` : `${path}/${child}`, pairs);
  }

  /** Removes the node, then the folders it leaves empty, so they do not linger as empty leaves. */
  private async removeLeaf(path: string): Promise<boolean> {
    if (!(await this.remove(path))) return false;
    for (let parent = path.slice(0, path.lastIndexOf('/')); parent !== '';) {
      const children = await this.call<string[]>((done) => this.client.getChildren(parent, undefined, done), true);
      if (children === null || children.length > 0 || !(await this.remove(parent).catch(() => false))) break;
      parent = parent.slice(0, parent.lastIndexOf('/'));
    }
    return true;
  }

  private async remove(path: string): Promise<boolean> {
    const removed = await this.call<true>((done) => this.client.remove(path, -1, (error) => done(error, true)), true);
    return removed === true;
  }

  /** Runs a callback-style call; with `missingIsNull`, a node that does not exist gives null. */
  private call<T>(
    run: (done: (error: Error | null, result: T) => void) => void,
    missingIsNull = false,
  ): Promise<T | null> {
    return new Promise((resolve, reject) => {
      run((error, result) => {
        if (!error) return resolve(result);
        const code = (error as Error & { getCode?: () => number }).getCode?.();
        if (missingIsNull && code === zookeeper.Exception.NO_NODE) return resolve(null);
        reject(error);
      });
    });
  }
}

/**
 * Closes a client for good. One closed while its link is down keeps reconnecting to say goodbye,
 * which would keep the process alive (and, once the server is back, its session): stop its
 * reconnection and drop the socket, at once, or if a graceful close has not finished in a second.
 */
function closeClient(client: Client): void {
  client.removeAllListeners();
  const connected = client.getState() === zookeeper.State.SYNC_CONNECTED;
  client.close();
  const manager = (client as unknown as { connectionManager?: ConnectionInternals }).connectionManager;
  const cut = () => {
    if (!manager) return;
    manager.connect = () => undefined;
    manager.socket?.destroy();
  };
  if (connected) setTimeout(cut, 1000).unref();
  else cut();
}

function znode(key: string): string {
  const trimmed = key.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}`;
}
