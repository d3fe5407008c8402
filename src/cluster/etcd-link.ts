import { logger } from '../observability/logger.js';
import { connectEtcd, type EtcdStore } from '../providers/kv/etcd-store.js';
import type { KvWatch } from '../providers/kv/store.js';
import { redactUrl } from '../runtime/redact.js';

const REWATCH_MS = 500;

export interface EtcdFollower {
  /** Keys under the watched prefix changed. */
  changed(keys: string[]): void;
  /** The watch was lost and is back: changes made meanwhile were not announced, so read again. */
  resumed(): void;
}

/**
 * The cluster stores' link to etcd: connected lazily, and connected afresh after any failed call
 * (to whichever endpoint answers), so an etcd that is down at start-up or restarts later heals
 * without restarting Portier. One watch per prefix is kept alive across outages.
 */
export class EtcdLink {
  readonly where: string;
  private connection: Promise<EtcdStore> | undefined;
  private readonly watches = new Set<{ current?: KvWatch; retry?: NodeJS.Timeout }>();
  private closed = false;

  constructor(private readonly endpoints: string[]) {
    this.where = `etcd ${endpoints.map(redactUrl).join(',')}`;
  }

  async use<T>(call: (etcd: EtcdStore) => Promise<T>): Promise<T> {
    const connection = (this.connection ??= connectEtcd({ endpoints: this.endpoints }));
    try {
      return await call(await connection);
    } catch (error) {
      if (this.connection === connection) this.connection = undefined;
      throw error;
    }
  }

  /** Watches `prefix` until close, re-establishing the watch (and saying so) whenever it is lost. */
  follow(prefix: string, follower: EtcdFollower, what: string): void {
    const watch: { current?: KvWatch; retry?: NodeJS.Timeout } = {};
    this.watches.add(watch);
    let lost = false;
    const start = async (): Promise<void> => {
      try {
        const handle = await this.use((etcd) =>
          etcd.watch(prefix, { changed: (keys) => follower.changed(keys ?? []), lost: retry }),
        );
        if (this.closed) return handle.close();
        watch.current = handle;
        if (!lost) return;
        lost = false;
        logger.info({ store: this.where }, `${what}: etcd watch re-established`);
        follower.resumed();
      } catch (error) {
        retry(error as Error);
      }
    };
    const retry = (error: Error): void => {
      if (this.closed) return;
      // Once per outage: etcd may stay away for long, and the retries are frequent.
      if (!lost) logger.warn({ store: this.where, err: error.message }, `${what}: etcd watch lost, re-establishing`);
      lost = true;
      watch.current = undefined;
      watch.retry = setTimeout(() => void start(), REWATCH_MS);
    };
    void start();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watch of this.watches) {
      clearTimeout(watch.retry);
      watch.current?.close();
    }
    this.watches.clear();
    const connection = this.connection;
    this.connection = undefined;
    await (await connection?.catch(() => undefined))?.close();
  }
}
