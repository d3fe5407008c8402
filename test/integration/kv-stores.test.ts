/**
 * The contract every KV store keeps (Hono-style: one suite, run against each real backend):
 * put/get/list by prefix/delete, a watch that reports changes under the prefix only, and a
 * watch that reports the loss of the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KvStore } from '../../src/providers/kv/index.js';
import { waitFor } from '../helpers/portier.js';
import { KV_BACKENDS, startKvBackend, type KvBackend } from '../helpers/kv-stores.js';

for (const kind of KV_BACKENDS) {
  describe(`KV store contract: ${kind}`, () => {
    let backend: KvBackend;
    let store: KvStore;

    before(async () => {
      backend = await startKvBackend(kind);
      store = await backend.connect();
    });
    after(async () => {
      await store?.close();
      await backend?.stop();
    });

    it('puts, gets, lists by prefix and deletes', async () => {
      await store.put('traefik/http/routers/a/rule', 'Host(`a`)');
      await store.put('traefik/http/routers/a/service', 'svc');
      await store.put('traefikx/other', 'not under the prefix');
      assert.equal(await store.get('traefik/http/routers/a/rule'), 'Host(`a`)');
      assert.equal(await store.get('traefik/missing'), undefined);
      await store.put('traefik/http/routers/a/rule', 'Host(`b`)');
      const listed = (await store.list('traefik/')).sort((x, y) => x.key.localeCompare(y.key));
      assert.deepEqual(listed, [
        { key: 'traefik/http/routers/a/rule', value: 'Host(`b`)' },
        { key: 'traefik/http/routers/a/service', value: 'svc' },
      ]);
      assert.equal(await store.delete('traefik/http/routers/a/service'), 1);
      assert.equal(await store.delete('traefik/http/routers/a/service'), 0);
      await store.put('traefik/http/routers/b/rule', 'Host(`c`)');
      assert.equal(await store.delete('traefik/http/routers/', { prefix: true }), 2);
      assert.deepEqual(await store.list('traefik/'), []);
      assert.equal(await store.get('traefikx/other'), 'not under the prefix');
    });

    it('watches changes under the prefix, and only there', async () => {
      let changes = 0;
      const watch = await store.watch('watched/', { changed: () => changes++, lost: () => undefined });
      // Listing is what arms ZooKeeper's one-shot watches; the provider loop always lists after watching.
      await store.list('watched/');
      await store.put('elsewhere/key', 'x');
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(changes, 0, 'a change outside the prefix was reported');
      const started = Date.now();
      // A second store (connection) writes, as the CLI or another instance would.
      const writer = await backend.connect();
      try {
        await writer.put('watched/http/routers/x/rule', 'Host(`x`)');
        await waitFor(() => changes > 0, 2000, 'a watch notification');
        assert.ok(Date.now() - started < 200, `notified after ${Date.now() - started} ms`);
      } finally {
        await writer.close();
        watch.close();
      }
    });

    if (kind !== 'embedded') {
      it('reports a lost server to the watch', async () => {
        let lost: Error | undefined;
        const watcher = await backend.connect();
        const watch = await watcher.watch('traefik/', { changed: () => undefined, lost: (error) => (lost = error) });
        await watcher.list('traefik/');
        await backend.restart!();
        await waitFor(() => lost !== undefined, 5000, 'the watch to report the loss');
        watch.close();
        await watcher.close();
        await store.close();
        store = await backend.connect();
      });
    }
  });
}
