import { logger } from '../observability/logger.js';
import type { KvWatch } from '../providers/kv/store.js';
import { EtcdConnection } from './etcd-connection.js';

const REWATCH_MS = 500;

export interface EtcdFollower {
  /** Keys under the watched prefix changed. */
  changed(keys: string[]): void;
  /** The watch was lost and is back: changes made meanwhile were not announced, so read again. */
  resumed(): void;
}

/**
 * The cluster stores' link to etcd: a connection (which connects afresh after any failed call, to
 * whichever endpoint answers, so an etcd that is down at start-up or restarts later heals without
 * restarting Portier) plus one watch per followed prefix, kept alive across outages.
 */
export class EtcdLink extends EtcdConnection {
  private readonly watches = new Set<{ current?: KvWatch; retry?: NodeJS.Timeout }>();
  private closed = false;

  /** Watches `prefix` until close, re-establishing the watch (and saying so) whenever it is lost. */
  follow(prefix: string, follower: EtcdFollower, what: string): void {
    const watch: { current?: KvWatch; retry?: NodeJS.Timeout } = {};
    this.watches.add(watch);
    let lost = false;
    const start = async (): Promise<void> => {
      try {
        const handle = await this.watch(prefix, { changed: (keys) => follower.changed(keys ?? []), lost: retry });
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

  override async close(): Promise<void> {
    this.closed = true;
    for (const watch of this.watches) {
      clearTimeout(watch.retry);
      watch.current?.close();
    }
    this.watches.clear();
    await super.close();
  }
}
