import type { ConnectionTracker } from './connection-tracking.js';
import type { TransportSettings } from './transport-options.js';
import { originOf, Upstreams } from './upstreams.js';

const FILE_WATCH_INTERVAL_MS = 2000;

/**
 * All serversTransports of the running configurations: the static `default@internal` one and one
 * per distinct set of dynamic settings. A transport is shared by every name with the same settings
 * and kept across reloads while some service uses it, so its pools stay warm; the pools (and whole
 * transports) that the last configuration no longer uses are closed at `retainUsed`. Their CA and
 * client certificate files are checked at each build and every two seconds.
 */
export class Transports {
  readonly default: Upstreams;
  private readonly bySettings = new Map<string, Upstreams>();
  /** Origins each transport served in the configurations built since the last `retainUsed`. */
  private used = new Map<Upstreams, Set<string>>();
  private readonly fileWatch: NodeJS.Timeout;

  /** `track`, when given, is told of every connection each transport opens and closes. */
  constructor(
    defaultSettings: TransportSettings | undefined,
    private readonly baseDir: string,
    private readonly track?: ConnectionTracker,
  ) {
    this.default = new Upstreams(defaultSettings, 'serversTransport', baseDir, track);
    // Like the TLS manager's certificates: a rotated CA or client certificate is picked up within seconds.
    this.fileWatch = setInterval(() => this.reloadChangedFiles(), FILE_WATCH_INTERVAL_MS).unref();
  }

  /** The transport for these settings; `key` names them in a ConfigError (unreadable certificate…). */
  get(settings: TransportSettings, key: string): Upstreams {
    const id = JSON.stringify(settings);
    let upstreams = this.bySettings.get(id);
    if (!upstreams) {
      upstreams = new Upstreams(settings, key, this.baseDir, this.track);
      this.bySettings.set(id, upstreams);
    }
    return upstreams;
  }

  /** Records that a service of the configuration being built sends to `urls` through `upstreams`. */
  use(upstreams: Upstreams, urls: readonly string[]): void {
    let origins = this.used.get(upstreams);
    if (!origins) this.used.set(upstreams, (origins = new Set()));
    for (const url of urls) {
      try {
        origins.add(originOf(url));
      } catch {
        // an invalid URL has no pool; its service already carries the error
      }
    }
  }

  /** After a configuration is swapped in: closes what it does not use; requests in flight finish first. */
  retainUsed(): void {
    const used = this.used;
    this.used = new Map();
    this.default.retainOnly(used.get(this.default) ?? new Set());
    for (const [id, upstreams] of this.bySettings) {
      const origins = used.get(upstreams);
      if (origins) {
        upstreams.retainOnly(origins);
      } else {
        this.bySettings.delete(id);
        upstreams.retainOnly(new Set());
      }
    }
    this.reloadChangedFiles();
  }

  /** Each transport whose CA or client certificate files changed reads them again. */
  reloadChangedFiles(): void {
    this.default.reloadChangedFiles();
    for (const upstreams of this.bySettings.values()) upstreams.reloadChangedFiles();
  }

  async close(): Promise<void> {
    clearInterval(this.fileWatch);
    const all = [this.default, ...this.bySettings.values()];
    this.bySettings.clear();
    await Promise.all(all.map((upstreams) => upstreams.close()));
  }
}
