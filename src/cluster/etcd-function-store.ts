import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from '../functions/store/types.js';
import { logger } from '../observability/logger.js';
import { b64, unb64 } from '../providers/kv/etcd-store.js';
import { EtcdLink } from './etcd-link.js';
import { PointerAnnouncer } from './pointer-announcer.js';

const VERSIONS = 'portier/functions/versions/';
const POINTERS = 'portier/functions/pointers/';
const MAX_ATTEMPTS = 20;

interface RangeReply {
  kvs?: { key: string; value?: string; mod_revision?: string }[];
}

/**
 * Functions kept in etcd (`cluster.etcd.endpoints`): versions are immutable keys, each pointer
 * is changed in a transaction that checks its revision, and every instance learns of changes
 * from an etcd watch on the pointers (re-established if etcd goes away).
 */
export class EtcdFunctionStore implements FunctionStore {
  private readonly pointers = new PointerAnnouncer();
  private readonly link: EtcdLink;

  constructor(endpoints: string[]) {
    this.link = new EtcdLink(endpoints);
    this.link.follow(
      POINTERS,
      {
        changed: (keys) =>
          void this.announce(keys).catch((error: Error) =>
            logger.warn({ err: error.message }, 'cluster function store: could not read a changed pointer'),
          ),
        // Changes made while the watch was down were not announced: tell them all again.
        resumed: () =>
          void this.listPointers().then(
            (pointers) => this.pointers.resync(pointers),
            (error: Error) =>
              logger.warn({ err: error.message }, 'cluster function store: could not read the pointers again'),
          ),
      },
      'cluster function store',
    );
  }

  async putVersion(version: StoredVersion): Promise<void> {
    // Same id, same content: writing it again changes nothing.
    await this.link.use((etcd) => etcd.put(`${VERSIONS}${version.id}`, JSON.stringify(version)));
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    return parse<StoredVersion>(await this.link.use((etcd) => etcd.get(`${VERSIONS}${id}`)));
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    return parse<FunctionPointer>(await this.link.use((etcd) => etcd.get(`${POINTERS}${name}`)));
  }

  async listPointers(): Promise<FunctionPointer[]> {
    const pairs = await this.link.use((etcd) => etcd.list(POINTERS));
    return this.pointers.listed(
      pairs.flatMap((pair) => parse<FunctionPointer>(pair.value) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    const etcd = await this.link.use((connected) => Promise.resolve(connected));
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
    return this.pointers.watch(listener);
  }

  async close(): Promise<void> {
    this.pointers.clear();
    await this.link.close();
  }

  private async announce(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      const name = key.slice(POINTERS.length);
      const pointer = await this.getPointer(name);
      this.pointers.announce(pointer ? { name, pointer } : { name });
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
