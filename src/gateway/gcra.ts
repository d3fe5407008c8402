/**
 * The generic cell rate algorithm: one number per key, the theoretical arrival time (TAT) of the
 * next request. A request is admitted while TAT − burst·interval ≤ now. The memory and etcd stores
 * call this; the Redis store runs the same arithmetic in Lua (rate-limit-stores.ts): keep the two
 * in step.
 */
export interface GcraDecision {
  allowed: boolean;
  /** Requests that could still pass right now. */
  remaining: number;
  /** Milliseconds until a request would be admitted (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface GcraLimit {
  /** Milliseconds between requests at the sustained rate (period / average). */
  intervalMs: number;
  burst: number;
}

/** Decides one request; returns the new TAT to store when it was admitted. */
export function gcra(storedTat: number | undefined, now: number, limit: GcraLimit): GcraDecision & { tat: number } {
  const tat = Math.max(storedTat ?? now, now);
  const nextTat = tat + limit.intervalMs;
  const allowAt = nextTat - limit.burst * limit.intervalMs;
  if (now < allowAt) {
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil(allowAt - now), resetMs: Math.ceil(tat - now), tat };
  }
  const remaining = Math.floor((now - allowAt) / limit.intervalMs);
  return { allowed: true, remaining, retryAfterMs: 0, resetMs: Math.ceil(nextTat - now), tat: nextTat };
}
