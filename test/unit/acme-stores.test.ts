import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileAcmeStore } from '../../src/acme/file-store.js';
import { AcmeStores } from '../../src/acme/stores.js';
import type { StaticConfig } from '../../src/config/static/types.js';
import { EtcdAcmeStore } from '../../src/cluster/etcd-acme-store.js';
import { RedisAcmeStore } from '../../src/cluster/redis-acme-store.js';
import { tempDir } from '../helpers/portier.js';

// Nothing listens on port 1: the stores are only built, never used.
const config = (cluster?: StaticConfig['cluster']): StaticConfig => ({
  entryPoints: {},
  providers: {},
  ...(cluster ? { cluster } : {}),
});

test('without a cluster, each resolver keeps its acme.json (resolved from the configuration directory)', async () => {
  const dir = tempDir();
  const stores = new AcmeStores(config(), dir);
  const { store, importFrom } = stores.for({ storage: 'certs/acme.json' });
  assert.ok(store instanceof FileAcmeStore);
  assert.equal(store.where, join(dir, 'certs/acme.json'));
  assert.equal(importFrom, undefined);
  assert.equal(stores.for({}).store.where, join(dir, 'acme.json'));
  assert.equal(stores.for({ storage: 'certs/acme.json' }).store, store, 'one store per file');
  await stores.close();
});

test('with cluster.redis the Traefik storage file becomes the seed of the Redis store', async () => {
  const dir = tempDir();
  const stores = new AcmeStores(config({ redis: { endpoint: '127.0.0.1:1' } }), dir);
  const first = stores.for({ storage: 'acme.json' });
  assert.ok(first.store instanceof RedisAcmeStore);
  assert.equal(first.importFrom, join(dir, 'acme.json'));
  assert.equal(stores.for({ storage: 'other.json' }).store, first.store, 'resolvers share the connection');
  await stores.close();
});

test('with cluster.etcd the store is etcd; a storage URL names its own store whatever the cluster says', async () => {
  const stores = new AcmeStores(config({ etcd: { endpoints: ['127.0.0.1:1'] } }), tempDir());
  assert.ok(stores.for({}).store instanceof EtcdAcmeStore);
  const redis = stores.for({ storage: 'redis://127.0.0.1:1' });
  assert.ok(redis.store instanceof RedisAcmeStore);
  assert.equal(redis.importFrom, undefined);
  const etcd = stores.for({ storage: 'etcd://127.0.0.1:1,127.0.0.1:2' });
  assert.ok(etcd.store instanceof EtcdAcmeStore);
  assert.equal(etcd.store.where, 'etcd 127.0.0.1:1,127.0.0.1:2');
  await stores.close();
});

test('store locations in log lines carry no password', async () => {
  const stores = new AcmeStores(config({ redis: { endpoint: 'redis://:cluster-secret@127.0.0.1:1' } }), tempDir());
  assert.equal(stores.for({}).store.where, 'redis redis://<redacted>@127.0.0.1:1');
  assert.equal(
    stores.for({ storage: 'rediss://app:own-secret@127.0.0.1:1' }).store.where,
    'redis rediss://<redacted>@127.0.0.1:1',
  );
  assert.equal(
    stores.for({ storage: 'etcd://http://root:etcd-secret@127.0.0.1:1' }).store.where,
    'etcd http://<redacted>@127.0.0.1:1',
  );
  await stores.close();
});
