/** The etcd connection behind the gateway's shared state, and the rate limit on it under contention. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdConnection } from '../../src/cluster/etcd-connection.js';
import { StoreUnavailable } from '../../src/cluster/store-unavailable.js';
import { rateLimit } from '../../src/gateway/rate-limit.js';
import { closeGateway, configureGateway, gatewayClock } from '../../src/gateway/settings.js';
import { publicJwks } from '../../src/gateway/signing-keys.js';
import { connectEtcd, type EtcdStore } from '../../src/providers/kv/etcd-store.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness } from '../helpers/gateway-harness.js';
import { startKvServer, type KvServer } from '../helpers/kv-servers.js';

let etcd: KvServer;
let raw: EtcdStore;
let connection: EtcdConnection;

/** The lease a key is attached to, and the seconds it has left. */
async function leaseOf(key: string): Promise<{ id: string; ttl: number }> {
  const range = (await raw.call('/v3/kv/range', { key: Buffer.from(key).toString('base64') })) as {
    kvs?: { lease?: string }[];
  };
  const id = range.kvs?.[0]?.lease ?? '0';
  const live = (await raw.call('/v3/lease/timetolive', { ID: id })) as { TTL?: string };
  return { id, ttl: Number(live.TTL ?? -1) };
}

before(async () => {
  etcd = await startKvServer('etcd');
  raw = await connectEtcd({ endpoints: [etcd.endpoint] });
  connection = new EtcdConnection([etcd.endpoint]);
});
after(async () => {
  await connection?.close();
  await raw?.close();
  await etcd?.stop();
});

describe('EtcdConnection', () => {
  it('puts if absent once, under a lease that outlives the TTL asked for', async () => {
    assert.equal(await connection.setIfAbsent('t:nonce', '1', 30_000), true);
    assert.equal(await connection.setIfAbsent('t:nonce', '2', 30_000), false);
    assert.equal(await connection.get('t:nonce'), '1');
    const { ttl } = await leaseOf('t:nonce');
    assert.ok(ttl >= 30 && ttl <= 42, `lease TTL ${ttl}s`);
    await connection.set('t:forever', 'x');
    assert.equal((await leaseOf('t:forever')).id, '0');
  });

  it('shares one lease between keys that expire together, and replaces a lease etcd lost', async () => {
    await connection.set('t:a', '1', 60_000);
    await connection.set('t:b', '1', 60_000);
    const { id } = await leaseOf('t:a');
    assert.equal((await leaseOf('t:b')).id, id);
    await raw.call('/v3/lease/revoke', { ID: id });
    assert.equal(await connection.get('t:a'), undefined, 'revoking the lease deleted its keys');
    await connection.set('t:c', 'after', 60_000);
    assert.equal(await connection.get('t:c'), 'after');
    assert.notEqual((await leaseOf('t:c')).id, id);
  });

  it('swaps only from the revision read, and hands back the current value otherwise', async () => {
    const created = await connection.swap('t:tat', undefined, '1');
    const first = await connection.read('t:tat');
    assert.deepEqual(created, { swapped: true, revision: first?.modRevision });
    assert.equal((await connection.swap('t:tat', first, '2')).swapped, true);
    const stale = await connection.swap('t:tat', first, '3');
    assert.equal(stale.swapped, false);
    assert.equal(!stale.swapped && stale.current?.value, '2');
    assert.equal((await connection.swap('t:tat', undefined, '4')).swapped, false, 'no longer absent');
  });

  it('uses the first endpoint that answers', async () => {
    const failover = new EtcdConnection(['127.0.0.1:9', etcd.endpoint]);
    try {
      await failover.set('t:failover', 'reached', 10_000);
      assert.equal(await connection.get('t:failover'), 'reached');
    } finally {
      await failover.close();
    }
  });

  it('rejects at once with StoreUnavailable when etcd is unreachable', async () => {
    const nowhere = new EtcdConnection(['127.0.0.1:9']);
    const started = Date.now();
    await assert.rejects(nowhere.setIfAbsent('k', 'v', 1000), StoreUnavailable);
    await assert.rejects(nowhere.get('k'), /etcd: no etcd endpoint answered/);
    assert.ok(Date.now() - started < 2000);
    await nowhere.close();
  });
});

describe('rateLimit on cluster.etcd', () => {
  const servers: Harness[] = [];
  before(() => configureGateway({}, { etcd: { endpoints: [etcd.endpoint] } }));
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await closeGateway();
    configureGateway({});
  });

  it('admits exactly the burst when 60 requests race for it', async () => {
    const middleware = buildMiddleware(rateLimit, { average: 25, period: '1h', burst: 25 }, gatewayDeps());
    const server = await startHarness(middleware);
    servers.push(server);
    const statuses = (await Promise.all(Array.from({ length: 60 }, () => server.send({})))).map((r) => r.status);
    assert.equal(statuses.filter((status) => status === 200).length, 25, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 35, statuses.join(','));
  });

  it('lifts a limit whose key an operator deleted, though this instance remembers it', async () => {
    const server = await startHarness(
      buildMiddleware(rateLimit, { average: 2, period: '1h', burst: 2 }, gatewayDeps({}, [], 'lifted@file')),
    );
    servers.push(server);
    const statuses = async (count: number) => {
      const replies: number[] = [];
      for (let i = 0; i < count; i++) replies.push((await server.send({})).status);
      return replies;
    };
    assert.deepEqual(await statuses(3), [200, 200, 429]);
    assert.equal(await raw.delete('portier:rl:lifted@file:', { prefix: true }), 1);
    assert.deepEqual(await statuses(3), [200, 200, 429]);
  });

  it('fails closed with 503 once etcd is gone', async () => {
    const server = await startHarness(buildMiddleware(rateLimit, { average: 5 }, gatewayDeps({}, [], 'down@file')));
    servers.push(server);
    assert.equal((await server.send({})).status, 200);
    await etcd.kill();
    try {
      const refused = await server.send({});
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
    } finally {
      await etcd.start();
    }
  });
});

describe('signing-key ring on cluster.etcd', () => {
  const realNow = gatewayClock.now;
  after(async () => {
    gatewayClock.now = realNow;
    await closeGateway();
    configureGateway({});
  });

  it('publishes the ring kept in etcd, and one rotation per period writes it back', async () => {
    configureGateway({ jwt: { keyRotation: '1h' } }, { etcd: { endpoints: [etcd.endpoint] } });
    let now = Date.now();
    gatewayClock.now = () => now;
    type StoredRing = { rotatedAt: number; current: { jwk: { x: string } }; next: { jwk: { x: string } } };
    const stored = async () => JSON.parse((await connection.get('portier:jwt:ring'))!) as StoredRing;
    const published = async () => (await publicJwks()).keys.map((key) => key.x);

    const [current, next] = await published();
    const created = await stored();
    assert.deepEqual([created.current.jwk.x, created.next.jwk.x], [current, next]);

    now += 3_600_000;
    const rotated = await published();
    assert.deepEqual([rotated[0], rotated[2]], [next, current], 'next signs now; the old key stays published');
    const rewritten = await stored();
    assert.equal(rewritten.rotatedAt, now);
    assert.deepEqual([rewritten.current.jwk.x, rewritten.next.jwk.x], rotated.slice(0, 2));
    assert.equal(
      await connection.setIfAbsent(`portier:jwt:ring:rotation:${created.rotatedAt}`, '1', 1000),
      false,
      'the rotation of that period is claimed, so no other instance repeats it',
    );
  });
});
