import {
  domainKey,
  type AcmeStore,
  type AcmeStoreListener,
  type ChallengeEvent,
  type ResolverRecord,
  type StoredAccount,
  type StoredCertificate,
} from '../acme/store.js';
import { logger } from '../observability/logger.js';
import { b64, connectEtcd, type EtcdStore } from '../providers/kv/etcd-store.js';
import type { KvWatch } from '../providers/kv/store.js';
import { LEASE_TTL_MS, underLease, type LockLease } from './cluster-lock.js';

const PREFIX = 'portier/acme/';
const RESOLVERS = `${PREFIX}resolvers/`;
const CHALLENGES = `${PREFIX}challenges/`;
const LOCKS = `${PREFIX}locks/`;
/** A challenge left behind by a crashed instance must not linger: orders finish in minutes. */
const CHALLENGE_TTL_S = 600;
const REWATCH_MS = 500;

/**
 * ACME state in etcd (`cluster.etcd`, or a resolver `storage: etcd://host:port`): one key per
 * account and per certificate, locks and challenge answers as keys bound to leases (so they
 * vanish with a crashed instance), and an etcd watch that tells every instance what changed.
 */
export class EtcdAcmeStore implements AcmeStore {
  readonly shared = true;
  readonly where: string;
  private readonly ready: Promise<EtcdStore>;
  private readonly listeners: AcmeStoreListener[] = [];
  private changes: KvWatch | undefined;
  private rewatch: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(endpoints: string[]) {
    this.where = `etcd ${endpoints.join(',')}`;
    this.ready = connectEtcd({ endpoints });
    this.ready.then(
      () => this.startWatch(),
      () => undefined,
    );
  }

  async read(resolver: string): Promise<ResolverRecord> {
    const etcd = await this.ready;
    const base = `${RESOLVERS}${resolver}/`;
    const pairs = await etcd.list(base);
    const account = pairs.find((pair) => pair.key === `${base}account`);
    return {
      ...(account ? { Account: JSON.parse(account.value) as StoredAccount } : {}),
      Certificates: pairs
        .filter((pair) => pair.key.startsWith(`${base}certificates/`))
        .map((pair) => JSON.parse(pair.value) as StoredCertificate),
    };
  }

  async writeAccount(resolver: string, account: StoredAccount): Promise<void> {
    await (await this.ready).put(`${RESOLVERS}${resolver}/account`, JSON.stringify(account));
  }

  async writeCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    const key = `${RESOLVERS}${resolver}/certificates/${domainKey(certificate)}`;
    await (await this.ready).put(key, JSON.stringify(certificate));
  }

  async exclusively<T>(name: string, task: () => Promise<T>): Promise<T> {
    const etcd = await this.ready;
    return underLease(leaseOn(etcd, `${LOCKS}${name}`), name, task, () => this.closed);
  }

  async publishChallenge(event: ChallengeEvent): Promise<void> {
    const etcd = await this.ready;
    const key = `${CHALLENGES}${event.kind}/${event.id}`;
    if (event.value === undefined) {
      await etcd.delete(key);
      return;
    }
    const { ID } = (await etcd.call('/v3/lease/grant', { TTL: CHALLENGE_TTL_S })) as { ID: string };
    await etcd.call('/v3/kv/put', { key: b64(key), value: b64(event.value), lease: ID });
  }

  async challenges(): Promise<ChallengeEvent[]> {
    const pairs = await (await this.ready).list(CHALLENGES);
    return pairs.flatMap((pair) => challengeAt(pair.key, pair.value) ?? []);
  }

  subscribe(listener: AcmeStoreListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.length = 0;
    clearTimeout(this.rewatch);
    this.changes?.close();
    await (await this.ready.catch(() => undefined))?.close();
  }

  private async startWatch(): Promise<void> {
    if (this.closed) return;
    try {
      const etcd = await this.ready;
      this.changes = await etcd.watch(PREFIX, {
        changed: (keys) => void this.announce(etcd, keys ?? []),
        lost: (error) => this.watchLost(error),
      });
    } catch (error) {
      this.watchLost(error as Error);
    }
  }

  private watchLost(error: Error): void {
    if (this.closed) return;
    logger.warn({ err: error.message }, 'ACME cluster store: etcd watch lost, re-establishing');
    this.changes = undefined;
    this.rewatch = setTimeout(() => void this.startWatch(), REWATCH_MS);
  }

  private async announce(etcd: EtcdStore, keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      if (key.startsWith(RESOLVERS)) {
        const resolver = key.slice(RESOLVERS.length).split('/')[0]!;
        for (const listener of this.listeners) listener.resolverChanged(resolver);
      } else if (key.startsWith(CHALLENGES)) {
        const event = challengeAt(key, await etcd.get(key).catch(() => undefined));
        if (event) for (const listener of this.listeners) listener.challenge(event);
      }
    }
  }
}

/** The challenge a key under `challenges/<kind>/<id>` holds; without a value it was withdrawn. */
function challengeAt(key: string, value: string | undefined): ChallengeEvent | undefined {
  const [kind, ...id] = key.slice(CHALLENGES.length).split('/');
  if (kind !== 'http' && kind !== 'alpn') return undefined;
  return { kind, id: id.join('/'), ...(value === undefined ? {} : { value }) };
}

/** A lock key bound to its own etcd lease: created only if absent, kept alive, revoked on release. */
function leaseOn(etcd: EtcdStore, key: string): LockLease {
  let id: string | undefined;
  const revoke = async (lease: string) => void (await etcd.call('/v3/lease/revoke', { ID: lease }));
  return {
    acquire: async () => {
      if ((await etcd.get(key)) !== undefined) return false;
      const { ID } = (await etcd.call('/v3/lease/grant', { TTL: LEASE_TTL_MS / 1000 })) as { ID: string };
      const absent = { key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' };
      const put = { request_put: { key: b64(key), value: b64(ID), lease: ID } };
      const reply = (await etcd.call('/v3/kv/txn', { compare: [absent], success: [put] })) as { succeeded?: boolean };
      if (reply.succeeded) id = ID;
      else await revoke(ID);
      return Boolean(reply.succeeded);
    },
    renew: async () => {
      const reply = (await etcd.call('/v3/lease/keepalive', { ID: id })) as { result?: { TTL?: string } };
      return Number(reply.result?.TTL ?? 0) > 0;
    },
    release: async () => {
      if (id) await revoke(id);
    },
  };
}
