import { randomUUID } from 'node:crypto';
import {
  domainKey,
  type AcmeStore,
  type AcmeStoreListener,
  type ChallengeEvent,
  type ResolverRecord,
  type StoredAccount,
  type StoredCertificate,
} from '../acme/store.js';
import { LEASE_TTL_MS, underLease, type LockLease } from './cluster-lock.js';
import { clusterRedisPubSub, type ClusterRedisClient, type RedisPubSub } from './redis-client.js';

const PREFIX = 'portier:acme:';
const CHALLENGE = `${PREFIX}challenge:`;
const EVENTS = `${PREFIX}events`;
/** A challenge left behind by a crashed instance must not linger: orders finish in minutes. */
const CHALLENGE_TTL_MS = 10 * 60_000;
/** Only the holder (same token) may extend or delete a lock. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type StoreEvent = { resolver: string } | { challenge: ChallengeEvent };

/**
 * ACME state in Redis (`cluster.redis`, or a resolver `storage: redis://host:port`): per resolver
 * an account key and a hash of certificates by domain list; locks with a TTL; challenge answers
 * as expiring keys. Every change is announced on a pub/sub channel, which every instance (the
 * sender too) hears.
 */
export class RedisAcmeStore implements AcmeStore {
  readonly shared = true;
  private readonly redis: RedisPubSub;
  private readonly client: ClusterRedisClient;
  private readonly listeners: AcmeStoreListener[] = [];
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(endpoint: string) {
    this.redis = clusterRedisPubSub(
      endpoint,
      EVENTS,
      {
        message: (message) => this.announce(message),
        resumed: () => this.listeners.forEach((listener) => listener.resumed()),
      },
      'ACME cluster store',
    );
    this.client = this.redis.client;
    this.ready = this.redis.ready;
  }

  get where(): string {
    return this.redis.where;
  }

  async read(resolver: string): Promise<ResolverRecord> {
    await this.ready;
    const [account, certificates] = await Promise.all([
      this.client.get(`${PREFIX}${resolver}:account`),
      this.client.hGetAll(`${PREFIX}${resolver}:certificates`),
    ]);
    return {
      ...(account ? { Account: JSON.parse(account) as StoredAccount } : {}),
      Certificates: Object.values(certificates).map((raw) => JSON.parse(raw) as StoredCertificate),
    };
  }

  async writeAccount(resolver: string, account: StoredAccount): Promise<void> {
    await this.ready;
    await this.client.set(`${PREFIX}${resolver}:account`, JSON.stringify(account));
    await this.publish({ resolver });
  }

  async writeCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    await this.ready;
    await this.client.hSet(`${PREFIX}${resolver}:certificates`, domainKey(certificate), JSON.stringify(certificate));
    await this.publish({ resolver });
  }

  async exclusively<T>(name: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.ready;
    return underLease(this.lease(`${PREFIX}lock:${name}`), name, task, () => this.closed);
  }

  async publishChallenge(event: ChallengeEvent): Promise<void> {
    await this.ready;
    const key = `${CHALLENGE}${event.kind}:${event.id}`;
    if (event.value === undefined) await this.client.del(key);
    else await this.client.set(key, event.value, { expiration: { type: 'PX', value: CHALLENGE_TTL_MS } });
    await this.publish({ challenge: event });
  }

  async challenges(): Promise<ChallengeEvent[]> {
    await this.ready;
    const found: ChallengeEvent[] = [];
    for await (const keys of this.client.scanIterator({ MATCH: `${CHALLENGE}*`, COUNT: 500 })) {
      if (keys.length === 0) continue;
      const values = await this.client.mGet(keys);
      keys.forEach((key, index) => {
        const [kind, ...id] = key.slice(CHALLENGE.length).split(':');
        const value = values[index];
        if ((kind === 'http' || kind === 'alpn') && value) found.push({ kind, id: id.join(':'), value });
      });
    }
    return found;
  }

  subscribe(listener: AcmeStoreListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.length = 0;
    await this.redis.close();
  }

  private lease(key: string): LockLease {
    const token = randomUUID();
    const ttl = String(LEASE_TTL_MS);
    return {
      acquire: async () =>
        (await this.client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: LEASE_TTL_MS } })) ===
        'OK',
      renew: async () => (await this.client.eval(RENEW, { keys: [key], arguments: [token, ttl] })) === 1,
      release: async () => void (await this.client.eval(RELEASE, { keys: [key], arguments: [token] })),
    };
  }

  private async publish(event: StoreEvent): Promise<void> {
    await this.client.publish(EVENTS, JSON.stringify(event));
  }

  private announce(message: string): void {
    let event: StoreEvent;
    try {
      event = JSON.parse(message) as StoreEvent;
    } catch {
      return;
    }
    for (const listener of this.listeners) {
      if ('resolver' in event) listener.resolverChanged(event.resolver);
      else listener.challenge(event.challenge);
    }
  }
}
