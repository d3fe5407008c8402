import type { FunctionPointer, PointerEvent } from '../functions/store/types.js';

/**
 * The watchers of a shared function store, and the functions they have been told of. After the
 * store's connection comes back, deploys AND removals made meanwhile were missed: `resync` tells
 * the watchers every current pointer, and the removal of each function they knew that is gone.
 */
export class PointerAnnouncer {
  private readonly listeners = new Set<(event: PointerEvent) => void>();
  private readonly known = new Set<string>();

  watch(listener: (event: PointerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pointers a caller read: the watchers' runtime knows these functions from now on. */
  listed(pointers: FunctionPointer[]): FunctionPointer[] {
    for (const pointer of pointers) this.known.add(pointer.name);
    return pointers;
  }

  announce(event: PointerEvent): void {
    if (event.pointer) this.known.add(event.name);
    else this.known.delete(event.name);
    for (const listener of this.listeners) listener(event);
  }

  resync(pointers: FunctionPointer[]): void {
    const present = new Set(pointers.map((pointer) => pointer.name));
    for (const name of [...this.known]) if (!present.has(name)) this.announce({ name });
    for (const pointer of pointers) this.announce({ name: pointer.name, pointer });
  }

  clear(): void {
    this.listeners.clear();
  }
}
