/** A store in this process only: for `portier functions dev`, `invoke` of a local file, and tests. */
import type { FunctionPointer, FunctionStore, PointerEvent, StoredVersion } from './types.js';

export class MemoryStore implements FunctionStore {
  private readonly versions = new Map<string, StoredVersion>();
  private readonly pointers = new Map<string, FunctionPointer>();
  private readonly listeners = new Set<(event: PointerEvent) => void>();

  async putVersion(version: StoredVersion): Promise<void> {
    if (!this.versions.has(version.id)) this.versions.set(version.id, version);
  }

  async getVersion(id: string): Promise<StoredVersion | undefined> {
    return this.versions.get(id);
  }

  async getPointer(name: string): Promise<FunctionPointer | undefined> {
    return this.pointers.get(name);
  }

  async listPointers(): Promise<FunctionPointer[]> {
    return [...this.pointers.values()];
  }

  async updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined> {
    const next = change(this.pointers.get(name));
    if (next) this.pointers.set(name, next);
    else this.pointers.delete(name);
    for (const listener of this.listeners) listener(next ? { name, pointer: next } : { name });
    return next;
  }

  watch(listener: (event: PointerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
