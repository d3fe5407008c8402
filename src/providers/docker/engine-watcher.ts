import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { emptyDynamicConfig } from '../../config/dynamic/types.js';
import { logger } from '../../observability/logger.js';
import type { ProviderSnapshot } from '../types.js';
import type { EngineClient } from './engine-client.js';

export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export interface WatcherOptions {
  engine: EngineClient;
  /** Lists everything and builds the full snapshot. */
  list: () => Promise<ProviderSnapshot>;
  /** `/events` filters, e.g. `{"type":["container","network"]}`. */
  eventFilters: Record<string, string[]>;
  /** Which events change routing (exec_* events from health checks do not). */
  relevant: (event: EngineEvent) => boolean;
  watch: boolean;
  /** Also re-list on this period (Swarm has no events for every task change). */
  pollMs?: number;
  /** How long to gather a burst of events into one listing: a few milliseconds. */
  coalesceMs?: number;
  /**
   * Extra listings this long after an event. Swarm's manager learns that a task runs a moment
   * after its container started, and sends no event when it does.
   */
  settleMs?: number[];
  /**
   * A snapshot that an event makes known at once, without waiting for a listing (a container
   * being stopped leaves the last listing); undefined when the event needs a listing.
   */
  quick?: (event: EngineEvent) => ProviderSnapshot | undefined;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const RETRY_LISTING_MS = 500;

/**
 * The discovery loop shared by the Docker and Swarm providers: subscribe to `/events` first (so
 * nothing between listing and subscribing is missed), list, then re-list on each relevant event.
 * Events arriving while a listing runs are coalesced into one more listing. When the daemon goes
 * away it reconnects with exponential backoff, re-negotiates the API version and lists again.
 */
export class EngineWatcher {
  private readonly abort = new AbortController();
  private emit: (snapshot: ProviderSnapshot) => void = () => {};
  private last: ProviderSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly settling = new Set<NodeJS.Timeout>();
  private refreshing = false;
  private dirty = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: WatcherOptions) {}

  /** Resolves after the first snapshot, or after the first failure was reported as an issue. */
  start(emit: (snapshot: ProviderSnapshot) => void): Promise<void> {
    let settle!: () => void;
    const first = new Promise<void>((resolve) => (settle = resolve));
    this.emit = (snapshot) => {
      emit(snapshot);
      settle();
    };
    this.loop = this.run();
    if (this.options.pollMs) this.poller = setInterval(() => this.schedule(), this.options.pollMs).unref();
    return first;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    clearInterval(this.poller);
    clearTimeout(this.retry);
    for (const timer of this.settling) clearTimeout(timer);
    await this.loop;
    await this.options.engine.close();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let backoff = FIRST_BACKOFF_MS;
    while (!signal.aborted) {
      let connected = false;
      try {
        await this.options.engine.negotiate();
        if (!this.options.watch) {
          await this.refresh();
          return;
        }
        const filters = encodeURIComponent(JSON.stringify(this.options.eventFilters));
        await this.options.engine.stream(
          `/events?filters=${filters}`,
          (message) => {
            const event = message as EngineEvent;
            if (!this.options.relevant(event)) return;
            this.emitQuick(event);
            this.onEvent();
          },
          signal,
          async () => {
            connected = true;
            backoff = FIRST_BACKOFF_MS;
            await this.refresh();
          },
        );
        if (!signal.aborted) logger.warn({ endpoint: this.options.engine.endpoint }, 'Docker event stream ended');
      } catch (error) {
        if (signal.aborted) return;
        this.report(error);
      }
      if (signal.aborted) return;
      if (!connected) backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      await sleep(backoff, undefined, { signal }).catch(() => {});
    }
  }

  /** Under load a listing takes seconds; what an event already tells is applied now. */
  private emitQuick(event: EngineEvent): void {
    const snapshot = this.options.quick?.(event);
    if (!snapshot || (this.last && isDeepStrictEqual(this.last, snapshot))) return;
    this.last = snapshot;
    this.emit(snapshot);
  }

  private onEvent(): void {
    this.schedule();
    for (const delay of this.options.settleMs ?? []) {
      const timer = setTimeout(() => {
        this.settling.delete(timer);
        this.schedule();
      }, delay);
      this.settling.add(timer);
    }
  }

  private schedule(): void {
    if (this.refreshing) {
      this.dirty = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.options.coalesceMs ?? 5);
  }

  private async refresh(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.refreshing = true;
    try {
      const snapshot = await this.options.list();
      if (this.abort.signal.aborted) return;
      // Most events (a network connect before a start…) change nothing: say only what changed.
      if (this.last && isDeepStrictEqual(this.last, snapshot)) return;
      this.last = snapshot;
      this.emit(snapshot);
    } catch (error) {
      // A daemon that went away is noticed by the event stream, which reconnects; a listing that
      // failed for another reason (a timeout under load) is retried, as no event may come to.
      this.report(error);
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        this.schedule();
      }, RETRY_LISTING_MS);
    } finally {
      this.refreshing = false;
      if (this.dirty) {
        this.dirty = false;
        this.schedule();
      }
    }
  }

  /** Keeps the last known routes (containers may outlive a daemon restart) and says why. */
  private report(error: unknown): void {
    const endpoint = this.options.engine.endpoint;
    const message = `cannot read Docker at ${endpoint}: ${(error as Error).message}; retrying`;
    logger.warn({ endpoint, err: (error as Error).message }, 'Docker provider: cannot read Docker, retrying');
    this.last = { config: this.last?.config ?? emptyDynamicConfig(), issues: [{ message, location: endpoint }] };
    this.emit(this.last);
  }
}
