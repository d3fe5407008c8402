import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConfigError } from '../../src/config/errors.js';
import { IpSet, ipv6SubnetStart } from '../../src/middlewares/client-ip.js';
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

  it('truncates IPv6 addresses to their subnet (Traefik doc table)', () => {
    assert.equal(ipv6SubnetStart('::abcd:1111:2222:3333', 64), '0:0:0:0:0:0:0:0');
    assert.equal(ipv6SubnetStart('::abcd:1111:2222:3333', 80), '0:0:0:0:abcd:0:0:0');
    assert.equal(ipv6SubnetStart('::abcd:1111:2222:3333', 96), '0:0:0:0:abcd:1111:0:0');
    assert.equal(ipv6SubnetStart('10.0.0.1', 64), '10.0.0.1');
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
