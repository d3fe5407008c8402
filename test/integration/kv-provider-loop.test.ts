/**
 * The shared provider loop when the store is down at start: Portier starts anyway, reports the
 * store as unreachable (naming the endpoints key), and loads the routes once the store is up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StaticConfig } from '../../src/config/static/types.js';
import { createKvProviders } from '../../src/providers/kv/index.js';
import type { ProviderSnapshot } from '../../src/providers/types.js';
import { startKvBackend } from '../helpers/kv-stores.js';
import { waitFor } from '../helpers/portier.js';

for (const kind of ['etcd', 'redis', 'zookeeper'] as const) {
  describe(`KV provider loop: ${kind} down at start`, () => {
    it('starts with an issue, then loads the routes once the store answers', async () => {
      const backend = await startKvBackend(kind);
      const writer = await backend.connect();
      await writer.put('traefik/http/routers/r/rule', 'Host(`r.test`)');
      await writer.put('traefik/http/routers/r/service', 's');
      await writer.close();
      const providers = backend.providers as StaticConfig['providers'];
      const [provider] = createKvProviders(providers, '/');
      const snapshots: ProviderSnapshot[] = [];
      try {
        await backend.kill!();
        await provider!.start((snapshot) => snapshots.push(snapshot));
        assert.equal(snapshots.length, 1);
        assert.deepEqual(snapshots[0]!.config.http.routers, {});
        assert.equal(snapshots[0]!.issues[0]?.key, `providers.${kind === 'zookeeper' ? 'zooKeeper' : kind}.endpoints`);
        assert.match(snapshots[0]!.issues[0].message, /retrying in/);
        await backend.start!();
        // The retry backoff (up to 5 s) plus a connection attempt made while a JVM (ZooKeeper) is
        // still starting on a loaded machine (up to 10 s) come before the routes.
        await waitFor(() => snapshots.at(-1)?.config.http.routers?.r !== undefined, 20_000, 'the routes');
        assert.deepEqual(snapshots.at(-1)!.issues, []);
      } finally {
        await provider!.stop();
        await backend.stop();
      }
    });
  });
}
