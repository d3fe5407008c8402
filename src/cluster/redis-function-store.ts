import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from '../functions/store/types.js';
import { logger } from '../observability/logger.js';
import { clusterRedisPubSub, type ClusterRedisClient, type RedisPubSub } from './redis-client.js';
import { PointerAnnouncer } from './pointer-announcer.js';

const PREFIX = 'portier:functions';
const VERSION = `${PREFIX}:version:`;
const POINTER = `${PREFIX}:pointer:`;
/** The channel deploy announcements go out on: every instance (the sender too) hears each one. */
const EVENTS = `${PREFIX}:events`;
/** Compare-and-set: writes (or deletes, for an empty value) only if the pointer is still as read. */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;
const MAX_ATTEMPTS = 20;

/**
 * Functions kept in Redis (`cluster.redis.endpoint`), so every Portier instance serves the same
 * ones: versions are immutable keys, a pointer per function is changed with compare-and-set, and
 * each change is announced on a pub/sub channel that every instance's runtime listens to.
 */
export class RedisFunctionStore implements FunctionStore {
  private readonly redis: RedisPubSub;
  private readonly client: ClusterRedisClient;
  private readonly pointers = new PointerAnnouncer();
  private readonly ready: Promise<void>;

  constructor(endpoint: string) {
    this.redis = clusterRedisPubSub(
      endpoint,
      EVENTS,
      {
        message: (message) => this.announce(message),
        // Changes made while the subscriber was away were not heard: tell them all again.
        resumed: () =>
          void this.listPointers().then(
            (pointers) => this.pointers.resync(pointers),
            (error: Error) =>
              logger.warn({ err: error.message }, 'cluster function store: could not read the pointers again'),
          ),
      },
      'cluster function store',
    );
    this.client = this.redis.client;
    this.ready = this.redis.ready;
  }

  async putVersion(version: StoredVersion): Promise<void> {
    await this.ready;
    await this.client.set(`${VERSION}${version.id}`, JSON.stringify(version), { condition: 'NX' });
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    await this.ready;
    return parse<StoredVersion>(await this.client.get(`${VERSION}${id}`));
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    await this.ready;
    return parse<FunctionPointer>(await this.client.get(`${POINTER}${name}`));
  }

  async listPointers(): Promise<FunctionPointer[]> {
    await this.ready;
    const pointers: FunctionPointer[] = [];
    for await (const keys of this.client.scanIterator({ MATCH: `${POINTER}*`, COUNT: 500 })) {
      if (keys.length === 0) continue;
      for (const raw of await this.client.mGet(keys)) {
        const pointer = parse<FunctionPointer>(raw);
        if (pointer) pointers.push(pointer);
      }
    }
    return this.pointers.listed(pointers.sort((a, b) => a.name.localeCompare(b.name)));
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    await this.ready;
    const key = `${POINTER}${name}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = (await this.client.get(key)) ?? '';
      const next = change(parse<FunctionPointer>(raw));
      const written = next ? JSON.stringify(next) : '';
      const swapped = await this.client.eval(COMPARE_AND_SET, { keys: [key], arguments: [raw, written] });
      if (swapped !== 1) continue;
      await this.client.publish(EVENTS, JSON.stringify(next ? { name, pointer: next } : { name }));
      return next;
    }
    throw new Error(`function "${name}" is being changed by other instances too often; try again`);
  }

  watch(listener: (event: PointerEvent) => void): () => void {
    return this.pointers.watch(listener);
  }

  async close(): Promise<void> {
    this.pointers.clear();
    await this.redis.close();
  }

  private announce(message: string): void {
    const event = parse<PointerEvent>(message);
    if (event) this.pointers.announce(event);
  }
}

function parse<T>(raw: string | null | undefined): T | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
