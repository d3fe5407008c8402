import { logger } from '../observability/logger.js';

/** One attempt at a cluster-wide lock whose holder must renew it before its TTL runs out. */
export interface LockLease {
  /** Takes the lock if nobody holds it; true when taken. */
  acquire(): Promise<boolean>;
  /** Extends the TTL; false when the lock was lost meanwhile (it expired and someone took it). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Long enough to outlive a busy event loop, short enough that a crashed holder's lock frees
 * itself quickly; the holder renews it three times per TTL.
 */
export const LEASE_TTL_MS = 15_000;
const POLL_MS = 250;

/**
 * Waits for the lease, runs `task` while renewing it, then releases it. A holder that dies (or
 * loses the store) stops renewing, so the next waiter gets the lock at most one TTL later; the
 * task's signal is aborted as soon as this holder knows (or must assume) the lock is lost, so it
 * can stop before doing what only the holder may do. `stopped` ends the wait when the caller
 * shuts down.
 */
export async function underLease<T>(
  lease: LockLease,
  name: string,
  task: (signal: AbortSignal) => Promise<T>,
  stopped: () => boolean,
  renewEveryMs = LEASE_TTL_MS / 3,
): Promise<T> {
  while (!(await lease.acquire())) {
    if (stopped()) throw new Error(`stopped while waiting for the cluster lock "${name}"`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const held = new AbortController();
  let renewed = Date.now();
  const lost = (why: string) => {
    if (held.signal.aborted) return;
    logger.warn({ lock: name }, `cluster lock lost: ${why}; stopping the work it guarded`);
    held.abort(new Error(`lost the cluster lock "${name}" (${why})`));
  };
  const heartbeat = setInterval(() => {
    lease.renew().then(
      (kept) => (kept ? (renewed = Date.now()) : lost('it expired and may be held by another instance')),
      (error: Error) => {
        logger.warn({ lock: name, err: error.message }, 'could not renew a cluster lock');
        // Unrenewed for a whole TTL, the store has let it go by now.
        if (Date.now() - renewed >= LEASE_TTL_MS) lost('the store was unreachable for its whole TTL');
      },
    );
  }, renewEveryMs);
  try {
    return await task(held.signal);
  } finally {
    clearInterval(heartbeat);
    await lease.release().catch(() => undefined);
  }
}
