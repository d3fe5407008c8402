/**
 * The few operations the gateway's shared state needs (sessions, nonces, the signing-key ring),
 * so one implementation of each feature serves Redis and etcd alike. Failures reject with
 * StoreUnavailable.
 */
export interface SharedKv {
  get(key: string): Promise<string | undefined>;
  /** Writes `value`; it disappears after `ttlMs`, or stays without one. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes `value` only if `key` does not exist; true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
}
