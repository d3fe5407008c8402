/**
 * The default store: a directory, shareable by several instances (NFS included).
 *   versions/<sha256>.json   immutable versions
 *   functions/<name>.json    pointers, rewritten by atomic rename under a mkdir lock
 * Other instances' changes are seen by polling the pointer files (inotify does not cross NFS),
 * sped up by fs.watch where the platform has it. The directories are created on the first
 * write, so a Portier that never deploys a function leaves nothing on disk.
 */
import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, withDirectoryLock, writeFileAtomic } from './atomic-file.js';
import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from './types.js';

export interface DirectoryStoreOptions {
  /** How often other instances' changes are looked for (default 1000 ms). */
  pollMs?: number;
}

export class DirectoryStore implements FunctionStore {
  private readonly versionsDir: string;
  private readonly functionsDir: string;
  private created?: Promise<void>;
  private readonly listeners = new Set<(event: PointerEvent) => void>();
  /** Last pointer text seen per name, so each change is announced once. */
  private known = new Map<string, string>();
  private poller?: NodeJS.Timeout;
  private watcher?: FSWatcher;
  private scanning?: Promise<void>;
  private scanAgain = false;
  /** Counts this instance's own pointer writes, so a scan that raced one is redone, not announced stale. */
  private localWrites = 0;

  constructor(
    readonly directory: string,
    private readonly options: DirectoryStoreOptions = {},
  ) {
    this.versionsDir = join(directory, 'versions');
    this.functionsDir = join(directory, 'functions');
  }

  async putVersion(version: StoredVersion): Promise<void> {
    await this.create();
    const path = this.versionPath(version.id);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (!exists) await writeFileAtomic(path, JSON.stringify(version));
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
    return readJson<StoredVersion>(this.versionPath(id));
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    return readJson<FunctionPointer>(this.pointerPath(name));
  }

  async listPointers(): Promise<FunctionPointer[]> {
    const names = (await this.pointerFiles()).map((f) => f.slice(0, -5));
    const pointers = await Promise.all(names.map((name) => this.getPointer(name)));
    return pointers.filter((p) => p !== undefined);
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    await this.create();
    const path = this.pointerPath(name);
    this.localWrites++;
    const next = await withDirectoryLock(`${path}.lock`, async () => {
      const updated = change(await readJson<FunctionPointer>(path));
      if (updated) await writeFileAtomic(path, JSON.stringify(updated));
      else await rm(path, { force: true });
      return updated;
    }).finally(() => this.localWrites++);
    this.announce(name, next ? JSON.stringify(next) : undefined);
    return next;
  }

  watch(listener: (event: PointerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.poller) this.startWatching();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.stopWatching();
    await this.scanning;
  }

  private startWatching(): void {
    this.poller = setInterval(() => this.requestScan(), this.options.pollMs ?? 1000);
    this.poller.unref();
    this.runScan(false);
  }

  /** Polling alone sees every change; fs.watch, where it works, only makes it quicker. */
  private watchDirectory(): void {
    if (this.watcher || !this.poller) return;
    try {
      this.watcher = watchDirectory(this.functionsDir, () => this.requestScan());
      this.watcher.unref();
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // Not created yet, or no inotify here: the next scan tries again.
    }
  }

  private stopWatching(): void {
    clearInterval(this.poller);
    this.poller = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private requestScan(): void {
    if (this.scanning) this.scanAgain = true;
    else this.runScan(true);
  }

  /** One scan at a time; a change noticed meanwhile triggers one more. */
  private runScan(emit: boolean): void {
    this.scanning = this.scan(emit)
      .catch(() => undefined)
      .finally(() => {
        this.scanning = undefined;
        if (this.scanAgain) {
          this.scanAgain = false;
          this.requestScan();
        }
      });
  }

  private async scan(emit: boolean): Promise<void> {
    const writesBefore = this.localWrites;
    this.watchDirectory();
    const files = await this.pointerFiles();
    const seen = new Map<string, string>();
    await Promise.all(
      files.map(async (file) => {
        const pointer = await readJson<FunctionPointer>(join(this.functionsDir, file)).catch(() => undefined);
        if (pointer) seen.set(file.slice(0, -5), JSON.stringify(pointer));
      }),
    );
    if (!emit) {
      this.known = seen;
      return;
    }
    if (writesBefore !== this.localWrites) {
      this.scanAgain = true;
      return;
    }
    for (const [name, text] of seen) this.announce(name, text);
    for (const name of [...this.known.keys()]) if (!seen.has(name)) this.announce(name, undefined);
  }

  private announce(name: string, text: string | undefined): void {
    if (this.known.get(name) === text) return;
    if (text === undefined) this.known.delete(name);
    else this.known.set(name, text);
    const event: PointerEvent = text === undefined ? { name } : { name, pointer: JSON.parse(text) as FunctionPointer };
    for (const listener of this.listeners) listener(event);
  }

  private create(): Promise<void> {
    this.created ??= Promise.all([
      mkdir(this.versionsDir, { recursive: true }),
      mkdir(this.functionsDir, { recursive: true }),
    ]).then(() => undefined);
    return this.created;
  }

  private async pointerFiles(): Promise<string[]> {
    try {
      return (await readdir(this.functionsDir)).filter((f) => f.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private versionPath(id: string): string {
    return join(this.versionsDir, `${id}.json`);
  }

  private pointerPath(name: string): string {
    return join(this.functionsDir, `${name}.json`);
  }
}
