import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TcpConfig } from '../../src/config/dynamic/types.js';
import { buildTcp } from '../../src/tcp/tcp-build.js';
import { TcpConnectionCounts } from '../../src/tcp/tcp-middlewares.js';
import { sampleView } from '../helpers/api-fixture.js';
import { startApiServer, type ApiTestServer } from '../helpers/api-server.js';

/** Qualified names, as the aggregator hands them to the runtime. */
const tcp: TcpConfig = {
  routers: {
    'db@docker': { rule: 'HostSNI(`*`)', entryPoints: ['edge'], service: 'db', middlewares: ['lan'] },
    'pass@file': {
      rule: 'HostSNI(`a.test`)',
      entryPoints: ['edge'],
      service: 'split',
      tls: { passthrough: true },
      priority: 5,
    },
    'http-rule@file': { rule: 'Host(`.+`)', entryPoints: ['edge'], service: 'db@docker' },
    'orphan@file': { rule: 'HostSNI(`*`)', entryPoints: ['edge'], service: 'missing' },
    'partial@file': { rule: 'HostSNI(`b.test`)', entryPoints: ['edge', 'nowhere'], service: 'db@docker', tls: {} },
    'guarded@file': { rule: 'HostSNI(`c.test`)', entryPoints: ['edge'], service: 'db@docker', middlewares: ['bad'] },
    'looping@file': { rule: 'HostSNI(`d.test`)', entryPoints: ['edge'], service: 'loop' },
  },
  services: {
    'db@docker': { loadBalancer: { servers: [{ address: '172.17.0.2:5432' }] } },
    'split@file': { weighted: { services: [{ name: 'db@docker', weight: 2 }] } },
    'loop@file': { weighted: { services: [{ name: 'loop' }] } },
  },
  middlewares: {
    'lan@docker': { ipAllowList: { sourceRange: ['10.0.0.0/8'] } },
    'bad@file': { ipAllowList: { sourceRange: ['not-an-ip'] } },
  },
};

const labelTypo =
  'container "db2": traefik.tcp.routers.typo.rulee: unknown key "rulee" (did you mean "traefik.tcp.routers.typo.rule"?)';

let server: ApiTestServer;

before(async () => {
  const { view } = buildTcp({
    tcp,
    entryPoints: ['edge', 'traefik'],
    defaultEntryPoints: ['edge'],
    counts: new TcpConnectionCounts(),
    objectIssues: new Map([['tcpRouter:typo@docker', [labelTypo]]]),
  });
  server = await startApiServer({ ...sampleView(), tcp: view });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
async function get(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url + path);
  return { status: response.status, body: await response.json() };
}

describe('/api/tcp', () => {
  it('a router shows Traefik v3 fields, its entry points in `using` and references as written', async () => {
    const { status, body } = await get('/api/tcp/routers/db@docker');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      rule: 'HostSNI(`*`)',
      entryPoints: ['edge'],
      service: 'db',
      middlewares: ['lan'],
      name: 'db@docker',
      provider: 'docker',
      status: 'enabled',
      using: ['edge'],
      priority: 12,
    });
    const pass = (await get('/api/tcp/routers/pass@file')).body;
    assert.deepEqual(pass.tls, { passthrough: true });
    assert.equal(pass.priority, 5);
    assert.deepEqual((await get('/api/tcp/routers/partial@file')).body.tls, { passthrough: false });
  });

  it('broken routers are disabled (or warned) with the reason, like HTTP ones', async () => {
    const { body } = await get('/api/tcp/routers?status=disabled');
    const errors = Object.fromEntries(body.map((r: { name: string; error: string[] }) => [r.name, r.error]));
    assert.deepEqual(Object.keys(errors).sort(), [
      'guarded@file',
      'http-rule@file',
      'looping@file',
      'orphan@file',
      'typo@docker',
    ]);
    assert.match(
      errors['http-rule@file'][0],
      /^rule: "Host" is not a TCP matcher; use HostSNI, HostSNIRegexp, ClientIP, ALPN/,
    );
    assert.match(errors['orphan@file'][0], /the TCP service "missing@file" does not exist/);
    assert.match(errors['guarded@file'][0], /middleware "bad@file" is disabled/);
    assert.match(errors['looping@file'][0], /"loop@file" includes itself/);
    assert.deepEqual(errors['typo@docker'], [labelTypo]);
    const partial = (await get('/api/tcp/routers/partial@file')).body;
    assert.equal(partial.status, 'warning');
    assert.deepEqual(partial.error, ['entryPoint "nowhere" doesn\'t exist']);
    assert.deepEqual(partial.using, ['edge']);
  });

  it('services carry type, status and usedBy; a broken one its error', async () => {
    const db = (await get('/api/tcp/services/db@docker')).body;
    assert.equal(db.type, 'loadbalancer');
    assert.equal(db.status, 'enabled');
    assert.deepEqual(db.loadBalancer, { servers: [{ address: '172.17.0.2:5432' }] });
    assert.deepEqual(db.usedBy.sort(), ['db@docker', 'guarded@file', 'http-rule@file', 'partial@file']);
    const split = (await get('/api/tcp/services/split@file')).body;
    assert.equal(split.type, 'weighted');
    assert.deepEqual(split.usedBy, ['pass@file']);
    const loop = (await get('/api/tcp/services/loop@file')).body;
    assert.equal(loop.status, 'disabled');
    assert.match(loop.error[0], /includes itself/);
  });

  it('middlewares show their options, lower-case type and users', async () => {
    const lan = (await get('/api/tcp/middlewares/lan@docker')).body;
    assert.deepEqual(lan, {
      ipAllowList: { sourceRange: ['10.0.0.0/8'] },
      name: 'lan@docker',
      provider: 'docker',
      status: 'enabled',
      type: 'ipallowlist',
      usedBy: ['db@docker'],
    });
    const bad = (await get('/api/tcp/middlewares/bad@file')).body;
    assert.equal(bad.status, 'disabled');
    assert.match(bad.error[0], /sourceRange\[0\]: "not-an-ip" is neither an IP address nor a CIDR range/);
  });

  it('unknown names answer 404 in Traefik words; lists page and sort like HTTP ones', async () => {
    const missing = await get('/api/tcp/routers/nope@file');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: 'router not found: nope@file' });
    const sorted = (await get('/api/tcp/routers?sortBy=priority&direction=desc&per_page=2')).body;
    assert.deepEqual(
      sorted.map((r: { name: string }) => r.name),
      ['partial@file', 'looping@file'],
    );
  });

  it('the overview counts TCP objects; rawdata lists them under Traefik keys', async () => {
    const overview = (await get('/api/overview')).body;
    assert.deepEqual(overview.tcp, {
      routers: { total: 8, warnings: 1, errors: 5 },
      services: { total: 3, warnings: 0, errors: 1 },
      middlewares: { total: 2, warnings: 0, errors: 1 },
    });
    const raw = (await get('/api/rawdata')).body;
    assert.deepEqual(Object.keys(raw.tcpRouters).sort(), Object.keys(tcp.routers!).concat('typo@docker').sort());
    assert.equal(raw.tcpServices['db@docker'].status, 'enabled');
    assert.equal(raw.tcpMiddlewares['lan@docker'].name, undefined);
  });
});
