/**
 * Request and error counts per second over the last minute, in total, per service and per server:
 * what the dashboard charts. Always on and cheap: a request increments two slots of a fixed ring;
 * stale slots are cleared lazily when their second comes round again.
 */
export const WINDOW_SECONDS = 60;

export interface SeriesSnapshot {
  /** Oldest first, one slot per whole second, ending with the last complete second. */
  requests: number[];
  errors: number[];
}

export interface LiveStatsSnapshot {
  windowSeconds: number;
  /** Unix time (seconds) of the last slot. */
  until: number;
  total: SeriesSnapshot;
  services: Record<string, SeriesSnapshot & { servers: Record<string, SeriesSnapshot> }>;
}

class Ring {
  private readonly seconds = new Float64Array(WINDOW_SECONDS);
  private readonly requests = new Uint32Array(WINDOW_SECONDS);
  private readonly errors = new Uint32Array(WINDOW_SECONDS);
  lastSecond = 0;

  add(second: number, isError: boolean): void {
    const slot = second % WINDOW_SECONDS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.requests[slot] = 0;
      this.errors[slot] = 0;
    }
    this.requests[slot]!++;
    if (isError) this.errors[slot]!++;
    this.lastSecond = second;
  }

  snapshot(until: number): SeriesSnapshot {
    const requests: number[] = [];
    const errors: number[] = [];
    for (let second = until - WINDOW_SECONDS + 1; second <= until; second++) {
      const slot = second % WINDOW_SECONDS;
      const current = this.seconds[slot] === second;
      requests.push(current ? this.requests[slot]! : 0);
      errors.push(current ? this.errors[slot]! : 0);
    }
    return { requests, errors };
  }
}

interface ServiceRings {
  ring: Ring;
  servers: Map<string, Ring>;
}

export class LiveStats {
  private readonly total = new Ring();
  private readonly services = new Map<string, ServiceRings>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A 5xx answer (from the upstream or from the proxy itself) counts as an error. */
  record(service: string | undefined, server: string | undefined, status: number): void {
    const second = Math.floor(this.clock() / 1000);
    const isError = status >= 500;
    this.total.add(second, isError);
    if (!service) return;
    let rings = this.services.get(service);
    if (!rings) this.services.set(service, (rings = { ring: new Ring(), servers: new Map() }));
    rings.ring.add(second, isError);
    if (!server) return;
    let ring = rings.servers.get(server);
    if (!ring) rings.servers.set(server, (ring = new Ring()));
    ring.add(second, isError);
  }

  /** The last complete minute; services and servers idle for the whole window are forgotten. */
  snapshot(): LiveStatsSnapshot {
    const until = Math.floor(this.clock() / 1000) - 1;
    const oldest = until - WINDOW_SECONDS;
    const services: LiveStatsSnapshot['services'] = {};
    for (const [name, rings] of this.services) {
      if (rings.ring.lastSecond <= oldest) {
        this.services.delete(name);
        continue;
      }
      const servers: Record<string, SeriesSnapshot> = {};
      for (const [url, ring] of rings.servers) {
        if (ring.lastSecond <= oldest) rings.servers.delete(url);
        else servers[url] = ring.snapshot(until);
      }
      services[name] = { ...rings.ring.snapshot(until), servers };
    }
    return { windowSeconds: WINDOW_SECONDS, until, total: this.total.snapshot(until), services };
  }
}
