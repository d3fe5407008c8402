import { createClient } from 'redis';
import { logger } from '../observability/logger.js';

type RedisClient = ReturnType<typeof createClient>;

/**
 * The one Redis connection the gateway shares (nonces, rate limits, sessions), when the static
 * `cluster.redis.endpoint` is set. Commands fail fast while disconnected instead of queueing, so a
 * Redis outage turns into each feature's fail-open/closed decision rather than hung requests.
 */
let endpoint: string | undefined;
let client: RedisClient | undefined;
let connecting: Promise<RedisClient> | undefined;

export function useGatewayRedis(next: string | undefined): void {
  if (next === endpoint) return;
  void closeGatewayRedis();
  endpoint = next;
}

export function gatewayRedisConfigured(): boolean {
  return endpoint !== undefined;
}

/** The connected client; rejects while Redis cannot be reached. */
export async function gatewayRedis(): Promise<RedisClient> {
  if (!endpoint) throw new Error('no cluster.redis endpoint is configured');
  if (client?.isReady) return client;
  connecting ??= connect(endpoint).finally(() => {
    connecting = undefined;
  });
  return connecting;
}

async function connect(target: string): Promise<RedisClient> {
  if (!client) {
    const created: RedisClient = createClient({
      url: target.includes('://') ? target : `redis://${target}`,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    client = created;
    // Reconnection attempts fail repeatedly during an outage: log its start and end only.
    let down = false;
    created.on('error', (error: Error) => {
      if (!down) logger.warn({ endpoint: target, err: error.message }, 'gateway redis unavailable');
      down = true;
    });
    created.on('ready', () => {
      if (down) logger.info({ endpoint: target }, 'gateway redis available again');
      down = false;
    });
    // connect() only settles once connected, retrying meanwhile; the first outcome decides
    // this request, and reconnection carries on in the background.
    const firstOutcome = new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        created.off('ready', settle);
        created.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      created.once('ready', settle);
      created.once('error', settle);
    });
    created.connect().catch(() => undefined);
    await firstOutcome;
  }
  if (!client?.isReady) throw new Error(`redis at ${target} is not reachable`);
  return client;
}

export async function closeGatewayRedis(): Promise<void> {
  const current = client;
  client = undefined;
  // A client still retrying its connection would wait for Redis in close(): destroy it instead.
  if (current?.isReady) await current.close();
  else if (current?.isOpen) current.destroy();
}

/** The shared store could not be used; callers fail closed (or open, where configured). */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/** Runs a Redis operation, turning connection and command failures into StoreUnavailable. */
export async function withRedis<T>(operation: (redis: RedisClient) => Promise<T>): Promise<T> {
  try {
    return await operation(await gatewayRedis());
  } catch (error) {
    throw new StoreUnavailable(`redis: ${(error as Error).message}`);
  }
}
