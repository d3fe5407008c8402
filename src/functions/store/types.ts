/**
 * Where functions live. Versions are immutable and named by the SHA-256 of their source; a
 * pointer maps a function name to its current version and keeps the earlier ones for rollback.
 * The directory store is the default; Redis and etcd stores implement the same interface and
 * announce changes through `watch` (pub/sub, etcd watch) so every instance swaps versions.
 */

export interface StoredVersion {
  /** sha256 hex of `source`. */
  id: string;
  source: string;
  /** Compiled ES module code. */
  code: string;
  /** The file name given at deploy time, for error messages. */
  file: string;
  compiler: string;
  createdAt: string;
}

export interface FunctionPointer {
  name: string;
  /** Version ids, oldest first; the last one is current. */
  history: string[];
  updatedAt: string;
}

/** A pointer changed; `pointer` is absent when the function was removed. */
export interface PointerEvent {
  name: string;
  pointer?: FunctionPointer;
}

export interface FunctionStore {
  /** Stores a version; storing the same id again is a no-op. */
  putVersion(version: StoredVersion): Promise<void>;
  getVersion(id: string): Promise<StoredVersion | undefined>;
  getPointer(name: string): Promise<FunctionPointer | undefined>;
  listPointers(): Promise<FunctionPointer[]>;
  /**
   * Atomic read-modify-write of one pointer, safe against other instances doing the same.
   * `change` returns the new pointer, or undefined to delete it.
   */
  updatePointer(
    name: string,
    change: (current: FunctionPointer | undefined) => FunctionPointer | undefined,
  ): Promise<FunctionPointer | undefined>;
  /** Calls `listener` for every pointer change, including this instance's own. Returns an unsubscribe. */
  watch(listener: (event: PointerEvent) => void): () => void;
  close(): Promise<void>;
}

/** How many earlier versions a pointer keeps for rollback. */
export const HISTORY_LIMIT = 50;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Function names become path segments and file names, so they are kept simple. */
export function checkFunctionName(name: string): string | undefined {
  return NAME.test(name)
    ? undefined
    : `function name "${name}" is invalid: use 1 to 63 lower-case letters, digits, "-" or "_", starting with a letter or digit`;
}
