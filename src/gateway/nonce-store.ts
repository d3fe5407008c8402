import type { SharedKv } from '../cluster/shared-kv.js';
import { gatewaySharedKv } from './cluster-store.js';
import { gatewayClock } from './settings.js';

/** Remembers signature nonces for replay protection. */
export interface NonceStore {
  /** Records the nonce; false when it was already seen within `ttlSec`. */
  remember(key: string, ttlSec: number): Promise<boolean>;
}

/** One process: a map of expiry times, swept as it grows. */
class MemoryNonceStore implements NonceStore {
  private readonly expiries = new Map<string, number>();
  private nextSweep = 0;

  remember(key: string, ttlSec: number): Promise<boolean> {
    const now = gatewayClock.now();
    if (now >= this.nextSweep) this.sweep(now);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return Promise.resolve(false);
    this.expiries.set(key, now + ttlSec * 1000);
    return Promise.resolve(true);
  }

  private sweep(now: number): void {
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
    this.nextSweep = now + 10_000;
  }
}

/**
 * Several instances: put-if-absent with an expiry (Redis `SET NX PX`, an etcd transaction with a
 * lease) is atomic, so exactly one instance accepts a nonce.
 */
class SharedNonceStore implements NonceStore {
  constructor(private readonly kv: SharedKv) {}

  remember(key: string, ttlSec: number): Promise<boolean> {
    return this.kv.setIfAbsent(`portier:nonce:${key}`, '1', ttlSec * 1000);
  }
}

/** One per process, module-level: nonces outlive the middlewares rebuilt on each configuration reload. */
const memory = new MemoryNonceStore();

/**
 * The store for the cluster settings (fixed at start, before middlewares are built): the cluster
 * store when configured, else this process's memory. Middlewares ask once, when built; either
 * way the nonces themselves survive a configuration reload.
 */
export function nonceStore(): NonceStore {
  const kv = gatewaySharedKv();
  return kv ? new SharedNonceStore(kv) : memory;
}
