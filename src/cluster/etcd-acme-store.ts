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
import { b64 } from '../providers/kv/etcd-store.js';
import { LEASE_TTL_MS, underLease, type LockLease } from './cluster-lock.js';
import type { EtcdConnection } from './etcd-connection.js';
import { EtcdLink } from './etcd-link.js';

const PREFIX = 'portier/acme/';
const RESOLVERS = `${PREFIX}resolvers/`;
const CHALLENGES = `${PREFIX}challenges/`;
const LOCKS = `${PREFIX}locks/`;
/** A challenge left behind by a crashed instance must not linger: orders finish in minutes. */
const CHALLENGE_TTL_MS = 600_000;

/**
 * ACME state in etcd (`cluster.etcd`, or a resolver `storage: etcd://host:port`): one key per
 * account and per certificate, locks and challenge answers as keys bound to leases (so they
 * vanish with a crashed instance), and an etcd watch that tells every instance what changed.
 */
export class EtcdAcmeStore implements AcmeStore {
  readonly shared = true;
  private readonly link: EtcdLink;
  private readonly listeners: AcmeStoreListener[] = [];
  private closed = false;

  constructor(endpoints: string[]) {
    this.link = new EtcdLink(endpoints);
    this.link.follow(
      PREFIX,
      {
        changed: (keys) =>
          void this.announce(keys).catch((error: Error) =>
            logger.warn({ store: this.where, err: error.message }, 'could not read an ACME store change'),
          ),
        resumed: () => this.listeners.forEach((listener) => listener.resumed()),
      },
      'ACME cluster store',
    );
  }

  get where(): string {
    return this.link.where;
  }

  async read(resolver: string): Promise<ResolverRecord> {
    const base = `${RESOLVERS}${resolver}/`;
    const pairs = await this.link.list(base);
    const account = pairs.find((pair) => pair.key === `${base}account`);
    return {
      ...(account ? { Account: JSON.parse(account.value) as StoredAccount } : {}),
      Certificates: pairs
        .filter((pair) => pair.key.startsWith(`${base}certificates/`))
        .map((pair) => JSON.parse(pair.value) as StoredCertificate),
    };
  }

  async writeAccount(resolver: string, account: StoredAccount): Promise<void> {
    await this.link.set(`${RESOLVERS}${resolver}/account`, JSON.stringify(account));
  }

  async writeCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    const key = `${RESOLVERS}${resolver}/certificates/${domainKey(certificate)}`;
    await this.link.set(key, JSON.stringify(certificate));
  }

  async exclusively<T>(name: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return underLease(leaseOn(this.link, `${LOCKS}${name}`), name, task, () => this.closed);
  }

  async publishChallenge(event: ChallengeEvent): Promise<void> {
    const key = `${CHALLENGES}${event.kind}/${event.id}`;
    if (event.value === undefined) await this.link.delete(key);
    else await this.link.set(key, event.value, CHALLENGE_TTL_MS);
  }

  async challenges(): Promise<ChallengeEvent[]> {
    const pairs = await this.link.list(CHALLENGES);
    return pairs.flatMap((pair) => challengeAt(pair.key, pair.value) ?? []);
  }

  subscribe(listener: AcmeStoreListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.length = 0;
    await this.link.close();
  }

  private async announce(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      if (key.startsWith(RESOLVERS)) {
        const resolver = key.slice(RESOLVERS.length).split('/')[0]!;
        for (const listener of this.listeners) listener.resolverChanged(resolver);
      } else if (key.startsWith(CHALLENGES)) {
        const event = challengeAt(key, await this.link.get(key));
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
function leaseOn(etcd: EtcdConnection, key: string): LockLease {
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
