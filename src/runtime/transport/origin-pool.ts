import type { Pool } from 'undici';

/**
 * The connections to one upstream origin, with Traefik's `maxIdleConnsPerHost`: at most that many
 * connections stay open once idle, while the number of concurrent requests is not capped.
 *
 * undici has no idle cap (its `connections` caps concurrency), so the pool is unbounded and a
 * request started while `maxIdle` others are in flight asks for its connection to be closed when
 * it is done (`reset`). Requests that keep their connection alive are then never more than
 * `maxIdle` at a time, and the pool hands a new request the first free connection, so only its
 * first `maxIdle` connections stay open between bursts; the others close as their requests end.
 */
export class OriginPool {
  private inFlight = 0;

  constructor(
    readonly dispatcher: Pool,
    private readonly maxIdle: number,
  ) {}

  /** Counts a request in; returns whether its connection may stay open afterwards. */
  begin(): boolean {
    return this.inFlight++ < this.maxIdle;
  }

  /** Counts a request out (once per `begin`). */
  end(): void {
    this.inFlight--;
  }
}
