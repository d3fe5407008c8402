import { logger } from '../../observability/logger.js';
import type { Provider, ProviderIssue, ProviderSnapshot } from '../types.js';
import { decodeKvPairs } from './decode.js';
import type { KvStore, KvWatch } from './store.js';

/** Changes arriving this close together are read in one listing. */
const DEBOUNCE_MS = 15;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

export interface KvProviderOptions {
  /** The provider name objects are qualified with: `etcd`, `redis`, `zookeeper`, `embedded`. */
  name: string;
  rootKey?: string;
  /** Opens one connection to the store; called again after the connection is lost. */
  connect: () => Promise<KvStore>;
  /** Where the store is, for the issue shown while it cannot be reached. */
  where: string;
  /** The static key that says where the store is, for that issue (default `providers.<name>.endpoints`). */
  settingKey?: string;
}

/** The prefix a provider lists and watches: `rootKey` (default `traefik`) and a slash. */
export function kvPrefix(rootKey: string | undefined): string {
  return `${(rootKey ?? 'traefik').replace(/^\/+|\/+$/g, '')}/`;
}

/** The issue for a store that could not be read: the setting that points at it, and why. */
export function unreachableIssue(options: KvProviderOptions, reason: string): ProviderIssue {
  return {
    message: `cannot read ${options.where}: ${reason}`,
    key: options.settingKey ?? `providers.${options.name}.endpoints`,
    location: options.where,
  };
}

export function createKvProvider(options: KvProviderOptions): Provider {
  return new KvProvider(options);
}

/**
 * The loop every KV provider shares: connect, watch the root key, list it, emit; on each change
 * list again (debounced); when the store goes away keep serving the last configuration read,
 * report it, and reconnect with backoff, listing afresh once back.
 */
class KvProvider implements Provider {
  readonly name: string;
  private readonly prefix: string;
  private emit: ((snapshot: ProviderSnapshot) => void) | undefined;
  private store: KvStore | undefined;
  private watch: KvWatch | undefined;
  /** Bumped on every (re)connection, so late news from an old connection is ignored. */
  private generation = 0;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private last: ProviderSnapshot | undefined;
  private lastSerialized: string | undefined;
  private stopped = false;

  constructor(private readonly options: KvProviderOptions) {
    this.name = options.name;
    this.prefix = kvPrefix(options.rootKey);
  }

  async start(emit: (snapshot: ProviderSnapshot) => void): Promise<void> {
    this.emit = emit;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.debounceTimer);
    await this.disconnect();
    this.emit = undefined;
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    try {
      const store = await this.options.connect();
      if (generation !== this.generation) return void (await store.close().catch(() => undefined));
      this.store = store;
      this.watch = await store.watch(this.prefix, {
        changed: () => this.schedule(generation),
        lost: (error) => this.fail(generation, error),
      });
      await this.reload(generation);
      if (generation === this.generation && this.retryMs !== FIRST_RETRY_MS) {
        logger.info({ provider: this.name, store: this.options.where }, 'KV store reachable again');
      }
      this.retryMs = FIRST_RETRY_MS;
    } catch (error) {
      this.fail(generation, error as Error);
    }
  }

  private schedule(generation: number): void {
    if (generation !== this.generation || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.reload(generation).catch((error: Error) => this.fail(generation, error));
    }, DEBOUNCE_MS);
  }

  private async reload(generation: number): Promise<void> {
    const pairs = await this.store!.list(this.prefix);
    if (generation !== this.generation) return;
    this.last = decodeKvPairs(pairs, this.prefix, this.options.where);
    this.publish(this.last);
  }

  private publish(snapshot: ProviderSnapshot): void {
    const serialized = JSON.stringify(snapshot);
    if (serialized === this.lastSerialized) return;
    this.lastSerialized = serialized;
    this.emit?.(snapshot);
  }

  private fail(generation: number, error: Error): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
    void this.disconnect();
    const seconds = this.retryMs / 1000;
    logger.warn({ provider: this.name, store: this.options.where, err: error }, 'KV store unreachable');
    this.publish({
      // Traefik keeps the last configuration while its store is away; so do we.
      config: this.last?.config ?? { http: { routers: {}, services: {}, middlewares: {} } },
      issues: [
        unreachableIssue(
          this.options,
          `${error.message}; the last configuration read is still served, retrying in ${seconds}s`,
        ),
      ],
    });
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private async disconnect(): Promise<void> {
    this.watch?.close();
    this.watch = undefined;
    const store = this.store;
    this.store = undefined;
    await store?.close().catch(() => undefined);
  }
}
