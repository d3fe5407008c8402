/** The part of node-zookeeper-client@1.1 (plain JS, no bundled types) that the ZooKeeper store uses. */
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';

  type Callback<T> = (error: Error | null, result: T) => void;
  type Watcher = (event: unknown) => void;

  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    getState(): unknown;
    addAuthInfo(scheme: string, auth: Buffer): void;
    getChildren(path: string, watcher: Watcher | undefined, callback: Callback<string[]>): void;
    getData(path: string, watcher: Watcher | undefined, callback: Callback<Buffer | undefined>): void;
    exists(path: string, watcher: Watcher | undefined, callback: Callback<unknown>): void;
    setData(path: string, data: Buffer, version: number, callback: Callback<unknown>): void;
    mkdirp(path: string, data: Buffer, callback: Callback<string>): void;
    remove(path: string, version: number, callback: (error: Error | null) => void): void;
  }

  export const Exception: { NO_NODE: number; NODE_EXISTS: number };
  export const State: { SYNC_CONNECTED: unknown };

  export function createClient(
    connectionString: string,
    options?: { sessionTimeout?: number; spinDelay?: number; retries?: number },
  ): Client;

  const zookeeper: { createClient: typeof createClient; Exception: typeof Exception; State: typeof State };
  export default zookeeper;
}
