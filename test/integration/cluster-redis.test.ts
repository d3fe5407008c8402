/**
 * Two Portier processes as one: both read their routes from one etcd and share one Redis
 * (`cluster.redis`): a rate limit holds across them, a function deployed on A runs on B within a
 * second, a route written to etcd appears on both, and killing A under load costs B nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectEtcd, type KvStore } from '../../src/providers/kv/index.js';
import { startRedis, type TestRedis } from '../helpers/gateway-redis.js';
import { get } from '../helpers/http.js';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';
import { startEchoUpstream, type Upstream } from '../helpers/upstream.js';

interface Instance {
  portier: RunningPortier;
  web: string;
  api: string;
}

describe('two Portier instances sharing Redis and etcd', () => {
  let redis: TestRedis;
  let etcd: KvServer;
  let kv: KvStore;
  let upstream: Upstream;
  const instances: Instance[] = [];

  const start = async (): Promise<Instance> => {
    const [web, api] = [await freePort(), await freePort()];
    const dir = tempDir({
      'portier.yml': JSON.stringify({
        entryPoints: { web: { address: `127.0.0.1:${web}` }, traefik: { address: `127.0.0.1:${api}` } },
        api: { insecure: true },
        providers: { etcd: { endpoints: [etcd.endpoint] } },
        cluster: { redis: { endpoint: redis.endpoint } },
      }),
    });
    const portier = await startPortier(['-c', `${dir}/portier.yml`]);
    return { portier, web: `http://127.0.0.1:${web}`, api: `http://127.0.0.1:${api}` };
  };
  const status = async (instance: Instance, host: string, path = '/') =>
    (await get(`${instance.web}${path}`, { headers: { host } })).status;

  before(async () => {
    [redis, etcd, upstream] = await Promise.all([startRedis(), startKvServer('etcd'), startEchoUpstream('shared')]);
    kv = await connectEtcd({ endpoints: [etcd.endpoint] });
    const keys: Record<string, string> = {
      'traefik/http/services/app/loadbalancer/servers/0/url': upstream.url,
      'traefik/http/routers/app/rule': 'Host(`app.test`)',
      'traefik/http/routers/app/service': 'app',
      'traefik/http/routers/limited/rule': 'Host(`limited.test`)',
      'traefik/http/routers/limited/service': 'app',
      'traefik/http/routers/limited/middlewares/0': 'limit',
      'traefik/http/middlewares/limit/ratelimit/average': '6',
      'traefik/http/middlewares/limit/ratelimit/period': '1m',
      'traefik/http/middlewares/limit/ratelimit/burst': '6',
      'traefik/http/routers/fn/rule': 'Host(`fn.test`)',
      'traefik/http/routers/fn/service': 'functions@internal',
    };
    for (const [key, value] of Object.entries(keys)) await kv.put(key, value);
    instances.push(await start(), await start());
  });

  after(async () => {
    for (const instance of instances) await instance.portier.stop();
    await kv?.close();
    await Promise.all([redis?.stop(), etcd?.stop(), upstream?.close()]);
  });

  it('enforces one rate limit across both instances', async () => {
    const [a, b] = instances as [Instance, Instance];
    await waitFor(async () => (await status(a, 'app.test')) === 200 && (await status(b, 'app.test')) === 200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await status(i % 2 === 0 ? a : b, 'limited.test'));
    const passed = statuses.filter((code) => code === 200).length;
    // 6 per minute with a burst of 6: alone each instance would pass 6, 12 in all.
    assert.ok(passed >= 6 && passed <= 7, `passed ${passed}: ${statuses.join(',')}`);
    assert.ok(
      statuses.slice(-4).every((code) => code === 429),
      statuses.join(','),
    );
  });

  it('runs a function deployed on A on B within a second', async () => {
    const [a, b] = instances as [Instance, Instance];
    const source = 'export default () => ({ hello: "from the cluster" });';
    const deployed = await fetch(`${a.api}/api/functions/hello?file=hello.ts`, { method: 'PUT', body: source });
    assert.ok(deployed.ok, await deployed.text());
    const started = Date.now();
    await waitFor(async () => (await get(`${b.web}/hello`, { headers: { host: 'fn.test' } })).status === 200, 1000);
    assert.ok(Date.now() - started < 1000);
    const reply = await get(`${b.web}/hello`, { headers: { host: 'fn.test' } });
    assert.deepEqual(JSON.parse(reply.body), { hello: 'from the cluster' });
    const listed = (await (await fetch(`${b.api}/api/functions`)).json()) as { name: string }[];
    assert.deepEqual(
      listed.map((fn) => fn.name),
      ['hello'],
    );
  });

  it('shows a route written to etcd on both instances', async () => {
    await kv.put('traefik/http/routers/late/rule', 'Host(`late.test`)');
    await kv.put('traefik/http/routers/late/service', 'app');
    for (const instance of instances) {
      await waitFor(async () => (await status(instance, 'late.test')) === 200, 1000, 'the new route');
    }
  });

  it('keeps serving on B when A is killed under load', async () => {
    const [a, b] = instances as [Instance, Instance];
    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) statuses.push(await status(b, 'app.test'));
    })();
    await new Promise((r) => setTimeout(r, 200));
    a.portier.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await load;
    assert.ok(statuses.length > 20, `only ${statuses.length} requests`);
    assert.deepEqual([...new Set(statuses)], [200]);
    // B still follows etcd and Redis without A.
    await kv.put('traefik/http/routers/after/rule', 'Host(`after.test`)');
    await kv.put('traefik/http/routers/after/service', 'app');
    await waitFor(async () => (await status(b, 'after.test')) === 200, 1000, 'a route written after A died');
  });
});
