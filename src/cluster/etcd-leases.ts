/** Keys ending within the same window share one lease. */
const WINDOW_MS = 10_000;

interface Lease {
  id: Promise<string>;
  /** Set once granted, so a lease etcd lost can be forgotten at once. */
  granted?: string;
}

/**
 * etcd expires keys through leases, and granting one per write would double the calls. Instead a
 * key is attached to a lease that ends at the first window boundary after the key's own expiry:
 * it lives at most one window longer than asked, never shorter, and a busy gateway grants about
 * one lease per window.
 */
export class EtcdLeases {
  /** Leases by the time they end (ms since the epoch). */
  private readonly byEnd = new Map<number, Lease>();

  constructor(private readonly grant: (ttlSec: number) => Promise<string>) {}

  /** A lease id that outlives `ttlMs` from now. */
  leaseFor(ttlMs: number): Promise<string> {
    const now = Date.now();
    for (const end of this.byEnd.keys()) if (end <= now) this.byEnd.delete(end);
    const end = Math.ceil((now + ttlMs) / WINDOW_MS) * WINDOW_MS;
    const existing = this.byEnd.get(end);
    if (existing) return existing.id;
    // A second of margin for the time the grant takes to reach etcd.
    const lease: Lease = { id: this.grant(Math.ceil((end - now) / 1000) + 1) };
    this.byEnd.set(end, lease);
    lease.id.then(
      (id) => (lease.granted = id),
      () => this.byEnd.get(end) === lease && this.byEnd.delete(end),
    );
    return lease.id;
  }

  /** Drops a lease etcd no longer knows (revoked, or lost with etcd's data). */
  forget(id: string): void {
    for (const [end, lease] of this.byEnd) if (lease.granted === id) this.byEnd.delete(end);
  }

  clear(): void {
    this.byEnd.clear();
  }
}
