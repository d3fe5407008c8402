import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from '../functions/store/types.js';
import { logger } from '../observability/logger.js';
import { EtcdLink } from './etcd-link.js';
import { PointerAnnouncer } from './pointer-announcer.js';

const VERSIONS = 'portier/functions/versions/';
const POINTERS = 'portier/functions/pointers/';
const MAX_ATTEMPTS = 20;

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
    await this.link.set(`${VERSIONS}${version.id}`, JSON.stringify(version));
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    return parse<StoredVersion>(await this.link.get(`${VERSIONS}${id}`));
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    return parse<FunctionPointer>(await this.link.get(`${POINTERS}${name}`));
  }

  async listPointers(): Promise<FunctionPointer[]> {
    const pairs = await this.link.list(POINTERS);
    return this.pointers.listed(
      pairs.flatMap((pair) => parse<FunctionPointer>(pair.value) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    const key = `${POINTERS}${name}`;
    let current = await this.link.read(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const next = change(parse<FunctionPointer>(current?.value));
      const outcome = await this.link.swap(key, current, next && JSON.stringify(next));
      if (outcome.swapped) return next;
      current = outcome.current;
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
