import { gatewayClusterStore, gatewayEtcd } from './cluster-store.js';
import { gcra, type GcraDecision, type GcraLimit } from './gcra.js';
import { EtcdRateLimitStore } from './rate-limit-etcd.js';
import { withRedis, type RedisConnection } from './redis.js';
import { gatewayClock } from './settings.js';

export interface RateLimitStore {
  take(key: string, limit: GcraLimit): Promise<GcraDecision>;
}

/**
 * Process-local TATs. Module-level, so counters survive configuration reloads (keys include the
 * middleware's qualified name). Expired entries equal absent ones and are swept periodically.
 */
class MemoryRateLimitStore implements RateLimitStore {
  private readonly tats = new Map<string, number>();
  private nextSweep = 0;

  take(key: string, limit: GcraLimit): Promise<GcraDecision> {
    const now = gatewayClock.now();
    if (now >= this.nextSweep) this.sweep(now);
    const decision = gcra(this.tats.get(key), now, limit);
    if (decision.allowed) this.tats.set(key, decision.tat);
    return Promise.resolve(decision);
  }

  private sweep(now: number): void {
    for (const [key, tat] of this.tats) if (tat <= now) this.tats.delete(key);
    this.nextSweep = now + 30_000;
  }
}

/**
 * GCRA in one Lua script, so the read and the write are atomic and limits are exact across
 * instances. Redis's own clock (TIME) is used, so instances with skewed clocks still agree.
 */
const SCRIPT = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - burst * interval
if now < allowAt then
  return {0, 0, math.ceil(allowAt - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1)
return {1, math.floor((now - allowAt) / interval), 0, math.ceil(nextTat - now)}
`;

class RedisRateLimitStore implements RateLimitStore {
  private sha: string | undefined;

  constructor(private readonly run: RedisConnection['run']) {}

  async take(key: string, limit: GcraLimit): Promise<GcraDecision> {
    const options = { keys: [`portier:rl:${key}`], arguments: [String(limit.intervalMs), String(limit.burst)] };
    const reply = await this.run(async (redis) => {
      try {
        this.sha ??= await redis.scriptLoad(SCRIPT);
        return await redis.evalSha(this.sha, options);
      } catch (error) {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        // Redis restarted and lost its script cache: load it again.
        this.sha = await redis.scriptLoad(SCRIPT);
        return redis.evalSha(this.sha, options);
      }
    });
    const [allowed, remaining, retryAfterMs, resetMs] = reply as number[];
    return { allowed: allowed === 1, remaining: remaining!, retryAfterMs: retryAfterMs!, resetMs: resetMs! };
  }
}

const memory = new MemoryRateLimitStore();
const redisCluster = new RedisRateLimitStore(withRedis);
const etcdCluster = new EtcdRateLimitStore(gatewayEtcd);
const dedicated = new WeakMap<RedisConnection, RedisRateLimitStore>();

/**
 * The middleware's own Redis when it names one (Traefik's `rateLimit.redis`), else the cluster
 * store, Redis or etcd (limits shared by every instance), else this process's memory.
 */
export function rateLimitStore(connection?: RedisConnection): RateLimitStore {
  if (connection) {
    let store = dedicated.get(connection);
    if (!store) {
      store = new RedisRateLimitStore((operation) => connection.run(operation));
      dedicated.set(connection, store);
    }
    return store;
  }
  switch (gatewayClusterStore()) {
    case 'redis':
      return redisCluster;
    case 'etcd':
      return etcdCluster;
    default:
      return memory;
  }
}
