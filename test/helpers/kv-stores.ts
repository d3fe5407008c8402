/** One entry per KV backend: how to start its server (if any) and connect a store to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectEtcd,
  connectRedis,
  connectZooKeeper,
  openSqliteStore,
  type KvStore,
} from '../../src/providers/kv/index.js';
import { startKvServer, type KvServerKind } from './kv-servers.js';

export interface KvBackend {
  /** The static configuration section naming this store, e.g. `{ etcd: { endpoints: [...] } }`. */
  providers: Record<string, unknown>;
  /** The provider name objects are qualified with. */
  name: string;
  connect(): Promise<KvStore>;
  /** Kills the server and starts it again on the same port and data (embedded: nothing to restart). */
  restart?(): Promise<void>;
  /** Kills the server, leaving it down until `start`. */
  kill?(): Promise<void>;
  start?(): Promise<void>;
  stop(): Promise<void>;
}

/** `redis-polling`: a Redis that forbids CONFIG (as managed ones do), so changes are found by polling. */
export const KV_BACKENDS = ['embedded', 'etcd', 'redis', 'redis-polling', 'zookeeper'] as const;
export type KvBackendKind = (typeof KV_BACKENDS)[number];

export async function startKvBackend(kind: KvBackendKind): Promise<KvBackend> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'portier-kv-embedded-'));
    const filename = join(dir, 'kv.db');
    return {
      providers: { embedded: { filename } },
      name: 'embedded',
      connect: () => openSqliteStore(filename),
      stop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const polling = kind === 'redis-polling';
  const serverKind: KvServerKind = polling ? 'redis' : kind;
  const server = await startKvServer(serverKind, polling ? ['--rename-command', 'CONFIG', ''] : []);
  const endpoints = [server.endpoint];
  const connect = {
    etcd: () => connectEtcd({ endpoints }),
    redis: () => connectRedis({ endpoints }),
    // A ZooKeeper JVM just restarted on a loaded machine answers `ruok` well before it grants sessions.
    zookeeper: () => connectZooKeeper({ endpoints }, 30_000),
  }[serverKind];
  return {
    providers: { [serverKind === 'zookeeper' ? 'zooKeeper' : serverKind]: { endpoints } },
    name: serverKind,
    connect,
    restart: () => server.restart(),
    kill: () => server.kill(),
    start: () => server.start(),
    stop: () => server.stop(),
  };
}
