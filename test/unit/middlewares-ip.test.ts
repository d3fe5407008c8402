import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { IpSet } from '../../src/middlewares/client-ip.js';
import { ipv6SubnetStart } from '../../src/net/ip-address.js';
import { inFlightReq } from '../../src/middlewares/in-flight-req.js';
import { ipAllowList } from '../../src/middlewares/ip-allow-list.js';
import { buildMiddleware, MiddlewareHarness, type HarnessOptions } from '../helpers/middlewares-harness.js';

const harnesses: MiddlewareHarness[] = [];
async function harnessFor(
  type: Parameters<typeof buildMiddleware>[0],
  options: Record<string, unknown>,
  harnessOptions?: HarnessOptions,
  name = 'test@file',
) {
  const middleware = buildMiddleware(type, options, { name });
  const harness = await MiddlewareHarness.start(middleware, harnessOptions);
  harnesses.push(harness);
  return harness;
}
after(() => Promise.all(harnesses.map((h) => h.close())));

const keyOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as ConfigError).key;
  }
  return 'no error';
};

describe('IpSet', () => {
  it('matches addresses and ranges of both families, IPv4-mapped included', () => {
    const set = new IpSet(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'], 'sourceRange');
    assert.ok(set.has('10.20.30.40'));
    assert.ok(set.has('::ffff:10.1.1.1'));
    assert.ok(set.has('192.168.1.7'));
    assert.ok(!set.has('192.168.1.8'));
    assert.ok(set.has('2001:db8:1::5'));
    assert.ok(!set.has('2001:db9::1'));
    assert.ok(!set.has(''));
    assert.ok(!set.has('not-an-ip'));
  });

  it('names the bad entry', () => {
    assert.equal(
      keyOf(() => new IpSet(['10.0.0.0/8', '10.0.0.0/33'], 'sourceRange')),
      'sourceRange[1]',
    );
    assert.equal(
      keyOf(() => new IpSet(['example.com'], 'sourceRange')),
      'sourceRange[0]',
    );
  });

  it('draws IPv4 range edges at the exact bit', () => {
    const set = new IpSet(['172.16.0.0/12', '198.51.100.6/31', '203.0.113.77/32'], 'sourceRange');
    assert.ok(set.has('172.16.0.0') && set.has('172.31.255.255'));
    assert.ok(!set.has('172.15.255.255') && !set.has('172.32.0.0'));
    assert.ok(set.has('198.51.100.6') && set.has('198.51.100.7') && !set.has('198.51.100.8'));
    assert.ok(set.has('203.0.113.77') && !set.has('203.0.113.76'));
    assert.ok(new IpSet(['0.0.0.0/0'], 'k').has('255.255.255.255'));
    for (const bad of ['10.0.0.256', '172.16.0', '172.16.0.1.2', ' 172.16.0.1', '172.16.0.1:80', '172.16..1']) {
      assert.ok(!set.has(bad), bad);
    }
  });

  it('draws IPv6 range edges at the exact bit, whatever the spelling of the address', () => {
    const set = new IpSet(['2001:db8:8000::/33', '[fd00::]/8', '2001:db8::10/127'], 'sourceRange');
    assert.ok(set.has('2001:db8:8000::1') && set.has('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'));
    assert.ok(!set.has('2001:db8:7fff:ffff:ffff:ffff:ffff:ffff'));
    assert.ok(set.has('FD12:3456::1'), 'upper case');
    assert.ok(set.has('2001:0db8:0000:0000:0000:0000:0000:0011'), 'long form');
    assert.ok(set.has('2001:db8::0.0.0.16'), 'embedded IPv4 tail');
    assert.ok(!set.has('2001:db8::12'));
    assert.ok(new IpSet(['::/0'], 'k').has('ffff::'));
    for (const bad of [
      '2001:db8::10::1',
      '2001:db8:0:0:0:0:0:10:1',
      '2001:db8::10:',
      '2001:db8::1g',
      '12345::',
      '[2001:db8::10]',
    ]) {
      assert.ok(!set.has(bad), bad);
    }
  });

  it('compares IPv4-mapped IPv6 clients as IPv4, but never a plain IPv4 client with an IPv6 range', () => {
    const v4 = new IpSet(['10.0.0.0/8'], 'k');
    assert.ok(v4.has('::ffff:10.1.2.3') && v4.has('::FFFF:10.1.2.3') && v4.has('::ffff:a01:203'));
    assert.ok(!v4.has('::ffff:11.1.2.3') && !v4.has('::10.1.2.3'), 'only ::ffff:0:0/96 is IPv4');
    assert.ok(new IpSet(['::ffff:10.1.2.3'], 'k').has('10.1.2.3'), 'a mapped address is its IPv4 address');
    const mappedRange = new IpSet(['::ffff:10.0.0.0/104'], 'k');
    assert.ok(mappedRange.has('::ffff:10.200.0.1') && !mappedRange.has('10.200.0.1'));
    assert.ok(!new IpSet(['::/0'], 'k').has('10.1.2.3'));
  });

  it('ignores the zone of a link-local client', () => {
    const set = new IpSet(['fe80::/10'], 'k');
    assert.ok(set.has('fe80::1%eth0') && set.has('fe80::1%25'));
    assert.ok(!set.has('fe00::1%eth0'));
    assert.ok(new IpSet(['fe80::1%eth0'], 'k').has('fe80::1'), 'nor the zone of a range');
  });

  it('agrees with node:net BlockList over a long list of ranges of both families', () => {
    const random = seeded(42);
    const v4 = (bits: number) => Array.from({ length: 4 }, () => random(256)).join('.') + `/${bits}`;
    const v6 = (bits: number) => Array.from({ length: 8 }, () => random(0x10000).toString(16)).join(':') + `/${bits}`;
    const ranges = Array.from({ length: 3000 }, (_, i) => (i % 2 ? v4(8 + random(25)) : v6(16 + random(113))));
    const set = new IpSet(ranges, 'k');
    const oracle = new BlockList();
    for (const range of ranges) {
      const [network, bits] = range.split('/') as [string, string];
      oracle.addSubnet(network, Number(bits), network.includes(':') ? 'ipv6' : 'ipv4');
    }
    // Clients near listed networks, so that both answers occur often.
    let hits = 0;
    for (let i = 0; i < 4000; i++) {
      const [network] = ranges[random(ranges.length)]!.split('/') as [string];
      const client = network.includes(':')
        ? network.replace(/[0-9a-f]+$/, random(0x10000).toString(16)).replace(/:[0-9a-f]+:/, `:${random(4)}:`)
        : network.replace(/\d+\.\d+$/, `${random(256)}.${random(256)}`);
      const expected = oracle.check(client, client.includes(':') ? 'ipv6' : 'ipv4');
      assert.equal(set.has(client), expected, client);
      if (expected) hits++;
    }
    assert.ok(hits > 400 && hits < 3600, `both outcomes are exercised (${hits} hits)`);
  });

  it('truncates IPv6 addresses to their subnet (Traefik doc table)', () => {
    assert.equal(ipv6SubnetStart(64)('::abcd:1111:2222:3333'), '0:0:0:0:0:0:0:0');
    assert.equal(ipv6SubnetStart(80)('::abcd:1111:2222:3333'), '0:0:0:0:abcd:0:0:0');
    assert.equal(ipv6SubnetStart(96)('::abcd:1111:2222:3333'), '0:0:0:0:abcd:1111:0:0');
    assert.equal(ipv6SubnetStart(64)('10.0.0.1'), '10.0.0.1');
    // One compiled subnet serves request after request; a zone id is dropped, a non-address kept.
    const by48 = ipv6SubnetStart(48);
    assert.equal(by48('2001:db8:abcd:12::1'), '2001:db8:abcd:0:0:0:0:0');
    assert.equal(by48('fe80::1%eth0'), 'fe80:0:0:0:0:0:0:0');
    assert.equal(by48('not:an:address'), 'not:an:address');
    assert.equal(ipv6SubnetStart(128)('2001:db8::ffff:1'), '2001:db8:0:0:0:0:ffff:1');
  });
});

describe('ipAllowList', () => {
  it('lets loopback clients through and refuses others with 403', async () => {
    const allowed = await harnessFor(ipAllowList, { sourceRange: ['127.0.0.1/32'] });
    assert.equal((await allowed.request('/')).status, 200);
    const refused = await harnessFor(ipAllowList, { sourceRange: '10.0.0.0/8' });
    const reply = await refused.request('/');
    assert.equal(reply.status, 403);
    assert.equal(refused.received.length, 0);
  });

  it('uses rejectStatusCode', async () => {
    const h = await harnessFor(ipAllowList, { sourceRange: ['10.0.0.0/8'], rejectStatusCode: 404 });
    assert.equal((await h.request('/')).status, 404);
  });

  it('picks the client from X-Forwarded-For by depth (from the right)', async () => {
    const h = await harnessFor(ipAllowList, { sourceRange: ['11.0.0.1'], ipStrategy: { depth: 3 } });
    const xff = { 'x-forwarded-for': '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1' };
    assert.equal((await h.request('/', { headers: xff })).status, 200);
    const tooDeep = await harnessFor(ipAllowList, { sourceRange: ['10.0.0.1'], ipStrategy: { depth: 5 } });
    assert.equal((await tooDeep.request('/', { headers: xff })).status, 403);
  });

  it('picks the rightmost X-Forwarded-For entry not in excludedIPs', async () => {
    const h = await harnessFor(ipAllowList, {
      sourceRange: ['12.0.0.1'],
      ipStrategy: { excludedIPs: ['15.0.0.1', '13.0.0.1'] },
    });
    const reply = await h.request('/', { headers: { 'x-forwarded-for': '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1' } });
    assert.equal(reply.status, 200);
  });

  it('reports configuration problems by option', () => {
    assert.equal(
      keyOf(() => buildMiddleware(ipAllowList, {})),
      'sourceRange',
    );
    assert.equal(
      keyOf(() => buildMiddleware(ipAllowList, { sourceRange: ['1.2.3.4'], rejectStatusCode: 999 })),
      'rejectStatusCode',
    );
    assert.equal(
      keyOf(() => buildMiddleware(ipAllowList, { sourceRange: ['1.2.3.4'], ipStrategy: { ipv6Subnet: 0 } })),
      'ipStrategy.ipv6Subnet',
    );
  });
});

describe('inFlightReq', () => {
  it('answers 429 beyond `amount` simultaneous requests per host, and frees the slot afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await harnessFor(
      inFlightReq,
      { amount: 2 },
      { upstream: async (ctx) => (ctx.path === '/slow' ? (await gate, {}) : {}) },
      'inflight-a@file',
    );
    const slow = [h.request('/slow'), h.request('/slow')];
    while (h.calls < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await h.request('/fast')).status, 429);
    const otherHost = await h.request('/fast', { headers: { host: 'other.test' } });
    assert.equal(otherHost.status, 200);
    release();
    assert.deepEqual(
      (await Promise.all(slow)).map((r) => r.status),
      [200, 200],
    );
    assert.equal((await h.request('/fast')).status, 200);
  });

  it('groups by a request header when asked', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await harnessFor(
      inFlightReq,
      { amount: 1, sourceCriterion: { requestHeaderName: 'X-Tenant' } },
      { upstream: async () => (await gate, {}) },
      'inflight-b@file',
    );
    const first = h.request('/', { headers: { 'x-tenant': 'a' } });
    while (h.calls < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await h.request('/', { headers: { 'x-tenant': 'a' } })).status, 429);
    release();
    assert.equal((await h.request('/', { headers: { 'x-tenant': 'b' } })).status, 200);
    assert.equal((await first).status, 200);
  });

  it('refuses a missing amount and mixed criteria', () => {
    assert.equal(
      keyOf(() => buildMiddleware(inFlightReq, {})),
      'amount',
    );
    assert.equal(
      keyOf(() =>
        buildMiddleware(inFlightReq, { amount: 1, sourceCriterion: { requestHost: true, requestHeaderName: 'X' } }),
      ),
      'sourceCriterion',
    );
  });
});

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function seeded(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}
