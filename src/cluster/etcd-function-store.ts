import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from '../functions/store/types.js';
import { logger } from '../observability/logger.js';
import { b64, connectEtcd, unb64, type EtcdStore } from '../providers/kv/etcd-store.js';
import type { KvWatch } from '../providers/kv/store.js';

const VERSIONS = 'portier/functions/versions/';
const POINTERS = 'portier/functions/pointers/';
const MAX_ATTEMPTS = 20;
const REWATCH_MS = 500;

interface RangeReply {
  kvs?: { key: string; value?: string; mod_revision?: string }[];
}

/**
 * Functions kept in etcd (`cluster.etcd.endpoints`): versions are immutable keys, each pointer
 * is changed in a transaction that checks its revision, and every instance learns of changes
 * from an etcd watch on the pointers (re-established if etcd goes away).
 */
export class EtcdFunctionStore implements FunctionStore {
  private readonly listeners = new Set<(event: PointerEvent) => void>();
  private readonly ready: Promise<EtcdStore>;
  private pointerWatch: KvWatch | undefined;
  private rewatch: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(endpoints: string[]) {
    this.ready = connectEtcd({ endpoints });
    this.ready.then(
      () => this.startWatch(),
      () => undefined,
    );
  }

  async putVersion(version: StoredVersion): Promise<void> {
    // Same id, same content: writing it again changes nothing.
    await (await this.ready).put(`${VERSIONS}${version.id}`, JSON.stringify(version));
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    return parse<StoredVersion>(await (await this.ready).get(`${VERSIONS}${id}`));
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    return parse<FunctionPointer>(await (await this.ready).get(`${POINTERS}${name}`));
  }

  async listPointers(): Promise<FunctionPointer[]> {
    const pairs = await (await this.ready).list(POINTERS);
    return pairs
      .flatMap((pair) => parse<FunctionPointer>(pair.value) ?? [])
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    const etcd = await this.ready;
    const key = b64(`${POINTERS}${name}`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = ((await etcd.call('/v3/kv/range', { key })) as RangeReply).kvs?.[0];
      const next = change(parse<FunctionPointer>(current ? unb64(current.value ?? '') : undefined));
      const write = next
        ? { request_put: { key, value: b64(JSON.stringify(next)) } }
        : { request_delete_range: { key } };
      // Unchanged since read: same modification revision, or still absent (revision 0).
      const compare = { key, target: 'MOD', result: 'EQUAL', mod_revision: current?.mod_revision ?? '0' };
      const reply = (await etcd.call('/v3/kv/txn', { compare: [compare], success: [write] })) as {
        succeeded?: boolean;
      };
      if (reply.succeeded) return next;
    }
    throw new Error(`function "${name}" is being changed by other instances too often; try again`);
  }

  watch(listener: (event: PointerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    clearTimeout(this.rewatch);
    this.pointerWatch?.close();
    await (await this.ready.catch(() => undefined))?.close();
  }

  private async startWatch(): Promise<void> {
    if (this.closed) return;
    try {
      const etcd = await this.ready;
      this.pointerWatch = await etcd.watch(POINTERS, {
        changed: (keys) => void this.announce(keys ?? []),
        lost: (error) => this.watchLost(error),
      });
    } catch (error) {
      this.watchLost(error as Error);
    }
  }

  private watchLost(error: Error): void {
    if (this.closed) return;
    logger.warn({ err: error.message }, 'cluster function store: etcd watch lost, re-establishing');
    this.pointerWatch = undefined;
    this.rewatch = setTimeout(() => void this.startWatch(), REWATCH_MS);
  }

  private async announce(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      const name = key.slice(POINTERS.length);
      const pointer = await this.getPointer(name).catch(() => undefined);
      for (const listener of this.listeners) listener(pointer ? { name, pointer } : { name });
    }
  }
}

function parse<T>(raw: string | undefined): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
