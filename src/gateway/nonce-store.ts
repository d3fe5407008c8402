import { gatewayClock } from './settings.js';
import { gatewayRedisConfigured, withRedis } from './redis.js';

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

/** Several instances: `SET NX EX` is atomic, so exactly one instance accepts a nonce. */
class RedisNonceStore implements NonceStore {
  async remember(key: string, ttlSec: number): Promise<boolean> {
    const result = await withRedis((redis) =>
      redis.set(`portier:nonce:${key}`, '1', { condition: 'NX', expiration: { type: 'EX', value: ttlSec } }),
    );
    return result === 'OK';
  }
}

const memory = new MemoryNonceStore();
const redis = new RedisNonceStore();

/** The store for the current cluster settings: Redis when configured, else this process's memory. */
export function nonceStore(): NonceStore {
  return gatewayRedisConfigured() ? redis : memory;
}
