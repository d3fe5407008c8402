/**
 * Each KV provider through the real CLI, against its real store: the routes written before start
 * are served, a change is live within 200 ms, a delete removes the route, a malformed value
 * disables only its object (named by its KV key in the API), and after the store restarts
 * Portier reconnects and picks up writes again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KvStore } from '../../src/providers/kv/index.js';
import { get } from '../helpers/http.js';
import { KV_BACKENDS, startKvBackend, type KvBackend } from '../helpers/kv-stores.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

const LIVE_WITHIN_MS = 200;

async function upstreamFor(port: number, host: string): Promise<string | number> {
  const response = await get(`http://127.0.0.1:${port}/`, { headers: { host } });
  return response.status === 200 ? (response.headers['x-upstream'] as string) : response.status;
}

/** Polls every 5 ms and returns how long it took `host` to reach `expected`. */
async function timeUntil(port: number, host: string, expected: string | number, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  await waitFor(async () => (await upstreamFor(port, host)) === expected, timeoutMs, `${host} → ${expected}`);
  return Date.now() - started;
}

for (const kind of KV_BACKENDS) {
  describe(`KV provider through the CLI: ${kind}`, () => {
    let backend: KvBackend;
    let store: KvStore;
    let portier: RunningPortier;
    let web: number;
    let api: number;
    const upstreams: Upstream[] = [];

    const routeTo = async (name: string, host: string, upstream: Upstream) => {
      await store.put(`traefik/http/routers/${name}/rule`, `Host(\`${host}\`)`);
      await store.put(`traefik/http/routers/${name}/service`, `${name}-svc`);
      await store.put(`traefik/http/services/${name}-svc/loadbalancer/servers/0/url`, upstream.url);
    };

    before(async () => {
      backend = await startKvBackend(kind);
      store = await backend.connect();
      upstreams.push(await startEchoUpstream('a'), await startEchoUpstream('b'));
      await routeTo('one', 'one.test', upstreams[0]!);
      await routeTo('broken', 'broken.test', upstreams[0]!);
      await store.put('traefik/http/routers/broken/priority', 'high');
      web = await freePort();
      api = await freePort();
      const dir = tempDir({
        'portier.yml': JSON.stringify({
          entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
          api: { insecure: true },
          providers: backend.providers,
        }),
      });
      portier = await startPortier(['-c', `${dir}/portier.yml`]);
    });

    after(async () => {
      await portier?.stop();
      await store?.close();
      await backend?.stop();
      for (const upstream of upstreams) await upstream.close();
    });

    it('serves what the store held at start, and disables only the malformed router', async () => {
      await waitFor(async () => (await upstreamFor(web, 'one.test')) === 'a', 5000, 'the initial route');
      assert.equal(await upstreamFor(web, 'broken.test'), 404);
      const routers = JSON.parse((await get(`http://127.0.0.1:${api}/api/http/routers`)).body) as {
        name: string;
        status: string;
        error?: string[];
      }[];
      const broken = routers.find((router) => router.name === `broken@${backend.name}`);
      assert.equal(broken?.status, 'disabled', JSON.stringify(routers));
      assert.match(broken?.error?.join(' ') ?? '', /traefik\/http\/routers\/broken\/priority/);
    });

    it(`applies a change within ${LIVE_WITHIN_MS} ms, and a delete`, async () => {
      await store.put('traefik/http/services/one-svc/loadbalancer/servers/0/url', upstreams[1]!.url);
      const took = await timeUntil(web, 'one.test', 'b');
      assert.ok(took < LIVE_WITHIN_MS, `the change took ${took} ms`);
      await store.put('traefik/http/routers/broken/priority', '5');
      await timeUntil(web, 'broken.test', 'a');
      await store.delete('traefik/http/routers/one/', { prefix: true });
      const removal = await timeUntil(web, 'one.test', 404);
      assert.ok(removal < LIVE_WITHIN_MS, `the delete took ${removal} ms`);
    });

    if (kind !== 'embedded') {
      it('keeps serving while the store restarts, then reconnects and follows it again', async () => {
        await store.close();
        await backend.restart!();
        assert.equal(await upstreamFor(web, 'broken.test'), 'a');
        store = await backend.connect();
        await routeTo('two', 'two.test', upstreams[1]!);
        // Reconnecting waits out the client's backoff and a new session: a JVM restarting on a
        // loaded machine (ZooKeeper) can take several seconds more.
        await timeUntil(web, 'two.test', 'b', 15_000);
        assert.equal(await upstreamFor(web, 'broken.test'), 'a');
      });
    }
  });
}
