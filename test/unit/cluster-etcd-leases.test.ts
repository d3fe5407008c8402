import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EtcdLeases } from '../../src/cluster/etcd-leases.js';

/** Grants numbered leases and records the TTLs asked for. */
function granter(fail = false) {
  const asked: number[] = [];
  const leases = new EtcdLeases((ttlSec) => {
    asked.push(ttlSec);
    return fail ? Promise.reject(new Error('etcd down')) : Promise.resolve(String(asked.length));
  });
  return { asked, leases };
}

describe('EtcdLeases', () => {
  it('grants a lease that outlives the key, by at most one 10 s window and a second', async () => {
    const { asked, leases } = granter();
    await leases.leaseFor(25_000);
    assert.equal(asked.length, 1);
    assert.ok(asked[0]! >= 25 && asked[0]! <= 36, `asked ${asked[0]}s`);
  });

  it('shares a lease between keys ending in the same window, not across windows', async () => {
    const { asked, leases } = granter();
    const [a, b] = await Promise.all([leases.leaseFor(3_600_000), leases.leaseFor(3_600_000)]);
    assert.equal(a, b);
    assert.notEqual(await leases.leaseFor(3_600_000 + 20_000), a);
    assert.equal(asked.length, 2);
  });

  it('forgets a lease etcd lost, and does not keep a failed grant', async () => {
    const { asked, leases } = granter();
    const lost = await leases.leaseFor(60_000);
    leases.forget(lost);
    assert.notEqual(await leases.leaseFor(60_000), lost);
    const failing = granter(true);
    await assert.rejects(failing.leases.leaseFor(60_000), /etcd down/);
    await assert.rejects(failing.leases.leaseFor(60_000), /etcd down/);
    assert.equal(failing.asked.length, 2);
    assert.equal(asked.length, 2);
  });
});
