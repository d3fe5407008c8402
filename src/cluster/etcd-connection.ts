import { b64, connectEtcd, unb64, type EtcdStore } from '../providers/kv/etcd-store.js';
import type { KvPair, KvWatch, KvWatchListener } from '../providers/kv/store.js';
import { redactUrl } from '../runtime/redact.js';
import { EtcdLeases } from './etcd-leases.js';
import type { SharedKv } from './shared-kv.js';
import { StoreUnavailable } from './store-unavailable.js';

/** A value and the etcd revision that last wrote it, for compare-and-swap. */
export interface Versioned {
  value: string;
  modRevision: string;
}

/** After a swap: the revision it wrote at, or what the key holds instead. */
export type SwapOutcome = { swapped: true; revision: string } | { swapped: false; current: Versioned | undefined };

interface Kv {
  key: string;
  value?: string;
  mod_revision?: string;
}

interface TxnReply {
  header?: { revision?: string };
  /** The JSON gateway leaves `false` out. */
  succeeded?: boolean;
  responses?: { response_range?: { kvs?: Kv[] } }[];
}

type Compare = { target: 'CREATE'; create_revision: string } | { target: 'MOD'; mod_revision: string };

/**
 * Shared state in etcd (`cluster.etcd.endpoints`) through its JSON gateway, for the gateway and
 * the cluster stores (through EtcdLink): one lazily opened
 * connection whose calls fail fast with StoreUnavailable, so an outage turns into each feature's
 * fail-closed (or open) decision instead of hung requests. The next call connects again, to
 * whichever endpoint answers first.
 */
export class EtcdConnection implements SharedKv {
  readonly where: string;
  private store: Promise<EtcdStore> | undefined;
  private readonly leases = new EtcdLeases(async (ttlSec) => {
    const reply = (await this.call('/v3/lease/grant', { TTL: String(ttlSec) })) as { ID?: string };
    if (!reply.ID) throw new StoreUnavailable('etcd granted no lease');
    return reply.ID;
  });

  constructor(private readonly endpoints: string[]) {
    this.where = `etcd ${endpoints.map(redactUrl).join(',')}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.read(key))?.value;
  }

  async read(key: string): Promise<Versioned | undefined> {
    const reply = (await this.call('/v3/kv/range', { key: b64(key) })) as { kvs?: Kv[] };
    return versioned(reply.kvs?.[0]);
  }

  async list(prefix: string): Promise<KvPair[]> {
    return this.use((store) => store.list(prefix));
  }

  async delete(key: string): Promise<void> {
    await this.use((store) => store.delete(key));
  }

  /** Watches `prefix` on the endpoint that answers; the watch ends (`lost`) with that endpoint. */
  watch(prefix: string, listener: KvWatchListener): Promise<KvWatch> {
    return this.use((store) => store.watch(prefix, listener));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.withLease(ttlMs, (lease) => this.call('/v3/kv/put', { key: b64(key), value: b64(value), ...lease }));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    // A key that does not exist has creation revision 0.
    const reply = await this.transaction(key, { target: 'CREATE', create_revision: '0' }, value, ttlMs);
    return reply.succeeded === true;
  }

  /**
   * Writes `value` (undefined: deletes the key) only if `key` is still as `expected` was read
   * (undefined: still absent), in one transaction; otherwise nothing is written and the key's
   * current state comes back, so the caller can decide again without another read.
   */
  async swap(
    key: string,
    expected: Versioned | undefined,
    value: string | undefined,
    ttlMs?: number,
  ): Promise<SwapOutcome> {
    const compare = { target: 'MOD', mod_revision: expected?.modRevision ?? '0' } as const;
    const reply = await this.transaction(key, compare, value, ttlMs);
    // The transaction's revision is the one the key was written at.
    if (reply.succeeded) return { swapped: true, revision: reply.header?.revision ?? '0' };
    return { swapped: false, current: versioned(reply.responses?.[0]?.response_range?.kvs?.[0]) };
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    this.leases.clear();
    await (await store?.catch(() => undefined))?.close();
  }

  private async transaction(
    key: string,
    compare: Compare,
    value: string | undefined,
    ttlMs?: number,
  ): Promise<TxnReply> {
    const encoded = b64(key);
    return (await this.withLease(ttlMs, (lease) =>
      this.call('/v3/kv/txn', {
        compare: [{ key: encoded, result: 'EQUAL', ...compare }],
        success: [
          value === undefined
            ? { request_delete_range: { key: encoded } }
            : { request_put: { key: encoded, value: b64(value), ...lease } },
        ],
        failure: [{ request_range: { key: encoded } }],
      }),
    )) as TxnReply;
  }

  private async withLease<T>(ttlMs: number | undefined, write: (lease: { lease?: string }) => Promise<T>): Promise<T> {
    if (ttlMs === undefined) return write({});
    const id = await this.leases.leaseFor(ttlMs);
    try {
      return await write({ lease: id });
    } catch (error) {
      if (!(error as Error).message.includes('requested lease not found')) throw error;
      // etcd lost the lease (revoked, or its data was replaced): take a new one, once.
      this.leases.forget(id);
      return write({ lease: await this.leases.leaseFor(ttlMs) });
    }
  }

  /** One JSON gateway call, for what the methods above do not cover (own leases, lock keys). */
  call(path: string, payload: unknown): Promise<unknown> {
    return this.use((store) => store.call(path, payload));
  }

  private async use<T>(operation: (store: EtcdStore) => Promise<T>): Promise<T> {
    const store = (this.store ??= connectEtcd({ endpoints: this.endpoints }));
    try {
      return await operation(await store);
    } catch (error) {
      // Connect afresh next time: another endpoint may answer, or this one may be back.
      if (this.store === store) this.store = undefined;
      throw new StoreUnavailable(`etcd: ${(error as Error).message}`);
    }
  }
}

function versioned(kv: Kv | undefined): Versioned | undefined {
  return kv && { value: unb64(kv.value ?? ''), modRevision: kv.mod_revision ?? '0' };
}
